# The three functions, from the one package `mvn package` builds. Each publishes a version on every change
# (SnapStart snapshots only published versions) and API Gateway invokes the alias "live", which follows it.
# Handlers are FunctionHandlers.ALL; the module's tests check them against the code. Each checks its
# configuration during init, so with SnapStart a configuration it refuses fails the version publish; before that,
# terraform_data.config_check runs the same check on this machine.

# `portcullis-server.jar config check` on the generated configuration, with placeholder secrets (the real ones are
# never on this machine): a configuration the gateway refuses fails the apply before any function changes. Runs
# again whenever the configuration changes.
resource "terraform_data" "config_check" {
  count = var.config_check ? 1 : 0

  triggers_replace = [sha256(local.config_yaml)]

  provisioner "local-exec" {
    interpreter = ["/bin/sh", "-c"]
    # The file must end in .yaml: the server reads a configuration file by its extension.
    command = "d=$(mktemp -d) && printf '%s' \"$PORTCULLIS_CONFIG_YAML\" > \"$d/config.yaml\" && java -jar \"$PORTCULLIS_SERVER_JAR\" config check \"$d/config.yaml\"; s=$?; rm -rf \"$d\"; exit $s"
    environment = merge(local.placeholder_secret_env, {
      PORTCULLIS_CONFIG_YAML = local.config_yaml
      PORTCULLIS_SERVER_JAR  = local.config_check_jar
    })
  }
}

resource "aws_cloudwatch_log_group" "token" {
  name              = "/aws/lambda/${local.function_names.token}"
  retention_in_days = var.log_retention_days
  tags              = local.tags
}

resource "aws_cloudwatch_log_group" "authorizer" {
  name              = "/aws/lambda/${local.function_names.authorizer}"
  retention_in_days = var.log_retention_days
  tags              = local.tags
}

resource "aws_cloudwatch_log_group" "forwarder" {
  name              = "/aws/lambda/${local.function_names.forwarder}"
  retention_in_days = var.log_retention_days
  tags              = local.tags
}

resource "aws_lambda_function" "token" {
  function_name    = local.function_names.token
  description      = "Portcullis: POST /auth, /auth/revoke, /logout, /admin/revoke; /admin/users"
  role             = aws_iam_role.token.arn
  filename         = local.package_path
  source_code_hash = filebase64sha256(local.package_path)
  handler          = "io.portcullis.lambda.TokenFunction::handleRequest"
  runtime          = "java21"
  architectures    = [var.lambda_architecture]
  memory_size      = var.lambda_memory_mb
  timeout          = var.lambda_timeout_seconds
  publish          = true

  snap_start {
    apply_on = "PublishedVersions"
  }

  dynamic "vpc_config" {
    for_each = var.vpc == null ? [] : [var.vpc]

    content {
      subnet_ids         = vpc_config.value.subnet_ids
      security_group_ids = vpc_config.value.security_group_ids
    }
  }

  environment {
    variables = local.function_environment
  }

  logging_config {
    log_format = "Text" # the functions already write JSON lines
    log_group  = aws_cloudwatch_log_group.token.name
  }

  lifecycle {
    precondition {
      condition     = local.environment_bytes <= 4000
      error_message = "The functions' environment (PORTCULLIS_CONFIG_YAML, mostly the routes and users, and the secret ARNs) exceeds Lambda's 4 KB limit: set config_storage to auto or secretsmanager."
    }
  }

  tags = local.tags

  # The log group and the policy exist before the function first runs (SnapStart runs init when publishing),
  # and the secret has its value before the first invocation reads it.
  depends_on = [aws_cloudwatch_log_group.token, aws_iam_role_policy.token, aws_secretsmanager_secret_version.token,
  aws_secretsmanager_secret_version.config, terraform_data.config_check]
}

resource "aws_lambda_function" "authorizer" {
  function_name    = local.function_names.authorizer
  description      = "Portcullis: HTTP API Lambda authorizer (payload 2.0, simple responses)"
  role             = aws_iam_role.authorizer.arn
  filename         = local.package_path
  source_code_hash = filebase64sha256(local.package_path)
  handler          = "io.portcullis.lambda.AuthorizerFunction::handleRequest"
  runtime          = "java21"
  architectures    = [var.lambda_architecture]
  memory_size      = var.lambda_memory_mb
  timeout          = var.lambda_timeout_seconds
  publish          = true

  snap_start {
    apply_on = "PublishedVersions"
  }

  dynamic "vpc_config" {
    for_each = var.vpc == null ? [] : [var.vpc]

    content {
      subnet_ids         = vpc_config.value.subnet_ids
      security_group_ids = vpc_config.value.security_group_ids
    }
  }

  environment {
    # AUTHORIZER_CACHE_TTL_SECONDS > 0 makes its answers cover the whole API, as API Gateway's cache requires.
    variables = local.authorizer_environment
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.authorizer.name
  }

  lifecycle {
    precondition {
      condition     = local.environment_bytes <= 4000
      error_message = "The functions' environment (PORTCULLIS_CONFIG_YAML, mostly the routes and users, and the secret ARNs) exceeds Lambda's 4 KB limit: set config_storage to auto or secretsmanager."
    }
  }

  tags = local.tags

  depends_on = [aws_cloudwatch_log_group.authorizer, aws_iam_role_policy.authorizer, aws_secretsmanager_secret_version.token,
  aws_secretsmanager_secret_version.config, terraform_data.config_check]
}

resource "aws_lambda_function" "forwarder" {
  function_name    = local.function_names.forwarder
  description      = "Portcullis: every route; per-user rate limit with 429, forwarding to the backend"
  role             = aws_iam_role.forwarder.arn
  filename         = local.package_path
  source_code_hash = filebase64sha256(local.package_path)
  handler          = "io.portcullis.lambda.ForwarderFunction::handleRequest"
  runtime          = "java21"
  architectures    = [var.lambda_architecture]
  memory_size      = var.lambda_memory_mb
  timeout          = var.lambda_timeout_seconds
  publish          = true

  snap_start {
    apply_on = "PublishedVersions"
  }

  dynamic "vpc_config" {
    for_each = var.vpc == null ? [] : [var.vpc]

    content {
      subnet_ids         = vpc_config.value.subnet_ids
      security_group_ids = vpc_config.value.security_group_ids
    }
  }

  environment {
    variables = local.function_environment
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.forwarder.name
  }

  lifecycle {
    precondition {
      condition     = local.environment_bytes <= 4000
      error_message = "The functions' environment (PORTCULLIS_CONFIG_YAML, mostly the routes and users, and the secret ARNs) exceeds Lambda's 4 KB limit: set config_storage to auto or secretsmanager."
    }
  }

  tags = local.tags

  depends_on = [aws_cloudwatch_log_group.forwarder, aws_iam_role_policy.forwarder, aws_secretsmanager_secret_version.token,
  aws_secretsmanager_secret_version.config, terraform_data.config_check]
}

resource "aws_lambda_alias" "token" {
  name             = "live"
  description      = "The published version API Gateway invokes (SnapStart applies to published versions only)."
  function_name    = aws_lambda_function.token.function_name
  function_version = aws_lambda_function.token.version
}

resource "aws_lambda_alias" "authorizer" {
  name             = "live"
  description      = "The published version API Gateway invokes (SnapStart applies to published versions only)."
  function_name    = aws_lambda_function.authorizer.function_name
  function_version = aws_lambda_function.authorizer.version
}

resource "aws_lambda_alias" "forwarder" {
  name             = "live"
  description      = "The published version API Gateway invokes (SnapStart applies to published versions only)."
  function_name    = aws_lambda_function.forwarder.function_name
  function_version = aws_lambda_function.forwarder.version
}
