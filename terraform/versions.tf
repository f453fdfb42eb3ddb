terraform {
  # optional() object attributes with defaults need 1.3; checked with 1.5-era syntax only.
  required_version = ">= 1.5.0, < 2.0.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.x: snap_start, logging_config (5.26+) and the apigatewayv2 resources as used here.
      version = "~> 5.70"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
}
