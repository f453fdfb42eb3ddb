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

  # HTTP_PROXY for /reports: the authorizer runs, no forwarder does (no per-user rate limit there). Browsers with a
  # session cookie only: API Gateway cannot keep an Authorization header from the backend, so one is refused.
  direct_routes = ["/reports"]

  # Browser sessions (form login, session cookie, CSRF), from a single-page app on another origin.
  browser = { login_redirect = "/reports/" }
  cors    = { origins = ["https://app.example.com"] }

  # API Gateway's own limit in front of everything, per second.
  throttling = { rate_limit = 200, burst_limit = 100 }

  # Any other key of the gateway's YAML, merged into what the module generates.
  extra_config = {
    passwords = { argon2 = { "memory-kib" = 65536, iterations = 3 } }
    store     = { "revocation-max-staleness" = "2s" }
  }

  # A trial deployment: let `terraform destroy` remove the tables and the secret at once.
  table_deletion_protection   = false
  secret_recovery_window_days = 0

  tags = { environment = "example" }
}
