# A small root module using Portcullis: three routes in front of public echo services, one of them served by
# API Gateway directly. Build the package first (mvn package at the repository root), then:
#   terraform init && terraform apply
# Replace the targets with your own backends.

provider "aws" {
  region = var.region
}

module "portcullis" {
  source = "../.."

  name = var.name
  # The package `mvn package` leaves in the repository (this example lives in terraform/examples/basic).
  lambda_package_path = "${path.module}/../../../functions/lambda/target/portcullis-lambda.zip"

  routes = [
    # Any logged-in user; forwarded by the forwarder function (per-user rate limit, 429 with Retry-After).
    { prefix = "/api", target = "https://httpbin.org/anything" },
    # Only holders of role admin, and only GET (and HEAD) or POST.
    { prefix = "/admin-api", target = "https://httpbin.org/anything/admin", roles = ["admin"], methods = ["GET", "POST"] },
    # No token needed; limited per client address.
    { prefix = "/public", target = "https://httpbin.org/anything/public", secure = false },
    # Secure, but sent by API Gateway straight to the backend (see direct_routes below).
    { prefix = "/reports", target = "https://httpbin.org/anything/reports" },
  ]

  # HTTP_PROXY for /reports: the authorizer still runs, no forwarder does (no per-user rate limit there).
  direct_routes = ["/reports"]

  # A trial deployment: let `terraform destroy` remove the tables and the secret at once.
  table_deletion_protection   = false
  secret_recovery_window_days = 0

  tags = { environment = "example" }
}
