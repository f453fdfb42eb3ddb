# Portcullis on AWS: an HTTP API in front of three Lambda functions from one package (token, authorizer,
# forwarder), six DynamoDB tables, one IAM role per function, the token keys (and other secrets, and a large
# configuration) in Secrets Manager.
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

  # The gateway's own endpoints, served by the token function (it answers every method there as the server does:
  # 405 for the wrong one, preflights for allowed origins), the browser pages and their files
  # (Gateway.PAGE_ROUTE_KEYS), and the documents it publishes (Gateway.DOCUMENTS: the JWKS, the OpenAPI
  # description). One route key per line: a new token-function endpoint is one more line here.
  token_route_keys = [
    "ANY /auth",
    "ANY /auth/refresh",
    "ANY /auth/revoke",
    "ANY /logout",
    "ANY /admin/revoke",
    "ANY /auth/totp/enrol",
    "ANY /auth/totp/confirm",
    "ANY /admin/users",
    "ANY /admin/users/{name}",
    "ANY /auth/login",
    "ANY /auth/signed-out",
    "ANY /auth/totp",
    "ANY /auth/assets/{file}",
    "ANY /.well-known/jwks.json",
    "ANY /openapi.yaml",
  ]

  # Every key's secret reaches the functions as <NAME>_SECRET_ARN; the functions resolve it at their first
  # invocation and expose the value as <NAME>_SECRET, which the YAML refers to as ${<NAME>_SECRET}.
  token_secret_env = { for k in var.token_keys : k.id => "PORTCULLIS_TOKEN_${upper(replace(k.id, "/[^A-Za-z0-9]/", "_"))}_SECRET" }
  # The same for var.secrets: NAME => ARN becomes NAME_SECRET_ARN, read as ${NAME_SECRET}.
  extra_secret_env = { for name, arn in var.secrets : "${name}_SECRET_ARN" => arn }

  routes_by_prefix = { for r in var.routes : r.prefix => r }

  # The configuration every function reads: the server's YAML schema, generated from the variables, then
  # var.extra_config merged in (below). Absent optional keys are left out rather than written as null.
  base_config = {
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
    upstream = {
      "connect-timeout-ms" = var.upstream.connect_timeout_ms
      "read-timeout-ms"    = var.upstream.read_timeout_ms
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

  # Sections from the typed variables; a variable left null leaves its section out. Their attribute names are the
  # YAML keys with _ for -.
  optional_sections = {
    users = length(var.users) == 0 ? null : [for u in var.users : { for k, v in {
      username      = u.username
      password      = u.password_hash
      roles         = u.roles
      allow         = u.allow
      "totp-secret" = u.totp_secret
    } : k => v if v != null }]
    "trusted-proxies" = length(var.trusted_proxies) == 0 ? null : var.trusted_proxies
    cors              = var.cors == null ? null : { origins = var.cors.origins, "max-age-seconds" = var.cors.max_age_seconds }
    jwt = var.jwt == null ? null : merge(
      { for k, v in var.jwt : replace(k, "_", "-") => v if v != null && k != "keys" },
      { for k, v in { keys = var.jwt.keys == null ? null : [for key in var.jwt.keys : { for kk, vv in key : replace(kk, "_", "-") => vv if vv != null }] } : k => v if v != null },
    )
    sessions = var.sessions == null ? null : { for k, v in var.sessions : replace(k, "_", "-") => v if v != null }
    browser  = var.browser == null ? null : { for k, v in var.browser : replace(k, "_", "-") => v if v != null }
    totp     = var.totp == null ? null : { for k, v in var.totp : replace(k, "_", "-") => v if v != null }
  }

  generated_config = merge(local.base_config, { for k, v in local.optional_sections : k => v if v != null })

  # var.extra_config merged in: section by section, key by key, down to the third level; lists and deeper values
  # replace the generated ones.
  config = merge(local.generated_config, var.extra_config, {
    for section, value in var.extra_config : section => merge(local.generated_config[section], value, {
      for key, inner in value : key => merge(local.generated_config[section][key], inner)
      if can(keys(inner)) && can(keys(local.generated_config[section][key]))
    }) if can(keys(value)) && can(keys(local.generated_config[section]))
  })
  # JSON, which is YAML too: the functions read it without loading a YAML parser (a shorter cold start).
  config_yaml = jsonencode(local.config)

  # The configuration rides in the environment while it fits in Lambda's 4 KB (names and values, with the other
  # variables: each ARN counted as 128 characters, since they are not known at plan time), else in a secret.
  other_environment_bytes = length("PORTCULLIS_FUNCTION_TIMEOUT_SECONDS") + 2 + length("AUTHORIZER_CACHE_TTL_SECONDS") + 4 + length("AUTHORIZER_DIRECT_ROUTES") + 4 + sum(concat([0], [for name in values(local.token_secret_env) : length(name) + 4 + 128], [for name, arn in local.extra_secret_env : length(name) + length(arn)]))
  config_in_secret        = var.config_storage == "secretsmanager" || (var.config_storage == "auto" && length("PORTCULLIS_CONFIG_YAML") + length(local.config_yaml) + local.other_environment_bytes > 4000)
  environment_bytes       = local.other_environment_bytes + (local.config_in_secret ? length("PORTCULLIS_CONFIG_ARN") + 128 + length("PORTCULLIS_CONFIG_DIGEST") + 64 : length("PORTCULLIS_CONFIG_YAML") + length(local.config_yaml))

  # Shared by the three functions.
  function_environment = merge(
    { for k, v in {
      PORTCULLIS_CONFIG_YAML = local.config_in_secret ? null : local.config_yaml
      PORTCULLIS_CONFIG_ARN  = local.config_in_secret ? aws_secretsmanager_secret.config[0].arn : null
      # A changed configuration in the secret still publishes new versions (and so new snapshots).
      PORTCULLIS_CONFIG_DIGEST = local.config_in_secret ? sha256(local.config_yaml) : null
    } : k => v if v != null },
    { PORTCULLIS_FUNCTION_TIMEOUT_SECONDS = tostring(var.lambda_timeout_seconds) },
    { for id, name in local.token_secret_env : "${name}_ARN" => aws_secretsmanager_secret.token[id].arn },
    local.extra_secret_env,
  )
  authorizer_environment = merge(local.function_environment, {
    AUTHORIZER_CACHE_TTL_SECONDS = tostring(var.authorizer_cache_ttl_seconds)
    # It guards only routes API Gateway sends straight to a backend: no Authorization header there, cookies
    # rewritten without the token cookies.
    AUTHORIZER_DIRECT_ROUTES = "true"
  })

  # Every secret the functions read: the token keys, var.secrets and, when it lives there, the configuration.
  readable_secret_arns = concat(values(aws_secretsmanager_secret.token)[*].arn, values(var.secrets), aws_secretsmanager_secret.config[*].arn)

  # The configuration check (terraform_data.config_check) runs the server jar with placeholder secrets.
  config_check_jar = var.config_check_jar != null ? var.config_check_jar : "${path.module}/../local-server/target/portcullis-server.jar"
  placeholder_secret_env = { for name in concat(values(local.token_secret_env), [for name in keys(var.secrets) : "${name}_SECRET"]) : name => "config-check-placeholder-not-a-real-secret-for-portcullis-keys" }

  tags = merge({ "app" = "portcullis" }, var.tags)
}
