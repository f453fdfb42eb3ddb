# Portcullis on AWS: an HTTP API in front of three Lambda functions from one package (token, authorizer,
# forwarder), four DynamoDB tables, one IAM role per function, the token keys in Secrets Manager.
# Resources are split by concern: api.tf, functions.tf, iam.tf, tables.tf, secrets.tf.

data "aws_region" "current" {}

locals {
  package_path = var.lambda_package_path != null ? var.lambda_package_path : "${path.module}/../functions/lambda/target/portcullis-lambda.zip"
  table_prefix = var.table_prefix != null ? var.table_prefix : "${var.name}-"

  # Function names; the keys are the names FunctionHandlers and FunctionPermissions use.
  function_names = {
    token      = "${var.name}-token"
    authorizer = "${var.name}-authorizer"
    forwarder  = "${var.name}-forwarder"
  }

  # The gateway's own endpoints (POST on each of Gateway.OWN_ENDPOINTS, and GET /logout for browser sessions),
  # served by the token function.
  token_route_keys = [
    "POST /auth", "POST /auth/refresh", "POST /auth/revoke", "POST /logout", "POST /admin/revoke",
    "POST /auth/totp/enrol", "POST /auth/totp/confirm", "GET /logout",
    "GET /admin/users", "GET /admin/users/{name}", "PUT /admin/users/{name}", "DELETE /admin/users/{name}",
    "GET /.well-known/jwks.json", "GET /openapi.yaml",
  ]

  # Every key's secret reaches the functions as <NAME>_SECRET_ARN; the functions resolve it at their first
  # invocation and expose the value as <NAME>_SECRET, which the YAML refers to as ${<NAME>_SECRET}.
  token_secret_env = { for k in var.token_keys : k.id => "PORTCULLIS_TOKEN_${upper(replace(k.id, "/[^A-Za-z0-9]/", "_"))}_SECRET" }

  routes_by_prefix = { for r in var.routes : r.prefix => r }
  public_prefixes  = [for r in var.routes : r.prefix if !r.secure]

  # The configuration every function reads from PORTCULLIS_CONFIG_YAML: the server's YAML schema. Users live in
  # the users table, not here. Absent optional route keys are left out rather than written as null.
  config = {
    tokens = {
      "ttl-seconds" = var.token_ttl_seconds
      keys = [for k in var.token_keys : {
        id     = k.id
        secret = format("$${%s}", local.token_secret_env[k.id])
        active = k.active
      }]
    }
    "rate-limits" = {
      proxy = {
        "requests-per-second" = var.rate_limits.proxy.requests_per_second
        burst                 = var.rate_limits.proxy.burst
        "block-delay-ms"      = var.rate_limits.proxy.block_delay_ms
      }
      auth = {
        "requests-per-second" = var.rate_limits.auth.requests_per_second
        burst                 = var.rate_limits.auth.burst
        "block-delay-ms"      = var.rate_limits.auth.block_delay_ms
      }
    }
    store = {
      type           = "dynamodb"
      "table-prefix" = local.table_prefix
      region         = data.aws_region.current.name
    }
    "identity-headers" = {
      user       = var.identity_headers.user
      roles      = var.identity_headers.roles
      "token-id" = var.identity_headers.token_id
    }
    routes = [for r in var.routes : { for k, v in {
      prefix            = r.prefix
      target            = r.target
      secure            = r.secure
      users             = r.users
      roles             = r.roles
      methods           = r.methods
      "preserve-prefix" = r.preserve_prefix
    } : k => v if v != null }]
  }
  config_yaml = yamlencode(local.config)

  # Shared by the three functions. Lambda allows 4 KB of environment per function (names and values).
  function_environment = merge(
    { PORTCULLIS_CONFIG_YAML = local.config_yaml },
    { for id, name in local.token_secret_env : "${name}_ARN" => aws_secretsmanager_secret.token[id].arn },
  )
  authorizer_environment = merge(local.function_environment, {
    AUTHORIZER_CACHE_TTL_SECONDS = tostring(var.authorizer_cache_ttl_seconds)
  })
  # Known at plan time (the ARNs are not yet): each secret ARN is counted as 128 characters.
  environment_bytes = length("PORTCULLIS_CONFIG_YAML") + length(local.config_yaml) + length("AUTHORIZER_CACHE_TTL_SECONDS") + 4 + sum(concat([0], [for name in values(local.token_secret_env) : length(name) + 4 + 128]))

  tags = merge({ "app" = "portcullis" }, var.tags)
}
