# One role per function, granting exactly what FunctionPermissions lists for it: its DynamoDB actions on its
# tables, GetSecretValue on the secrets the configuration names (token keys, var.secrets, the configuration
# itself when it lives in a secret), writing to its own log group, and, in a VPC, the network interfaces Lambda
# makes. No managed policies (the basic execution role would add logs:CreateLogGroup on *), no wildcards but the
# ones EC2's network-interface actions require.

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

# token: logins read users and count attempts; /logout, /auth/revoke and /admin/revoke append to the revocation
# feed and read it; users listed in the config are written at a cold start. Users are only ever updated
# (UpdateItem): a save keeps the last spent TOTP step, and spending a step is a conditional update. The admin API
# lists users (Scan) and removes them (DeleteItem). Refresh tokens: a login starts a family (PutItem), a refresh
# rotates it and a revocation ends it (UpdateItem). The JWKS lists the generated signing keys and makes the first.
resource "aws_iam_role" "token" {
  name               = "${local.function_names.token}-role"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
  tags               = local.tags
}

data "aws_iam_policy_document" "token" {
  source_policy_documents = [data.aws_iam_policy_document.network.json]

  statement {
    sid       = "Users"
    actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:Scan", "dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.users.arn]
  }

  statement {
    sid       = "Revocations"
    actions   = ["dynamodb:PutItem", "dynamodb:Query"]
    resources = [aws_dynamodb_table.revocations.arn]
  }

  statement {
    sid       = "RateLimits"
    actions   = ["dynamodb:UpdateItem"]
    resources = [aws_dynamodb_table.rate_limits.arn]
  }

  statement {
    sid       = "RefreshTokens"
    actions   = ["dynamodb:PutItem", "dynamodb:UpdateItem"]
    resources = [aws_dynamodb_table.refresh_tokens.arn]
  }

  statement {
    sid       = "SigningKeys"
    actions   = ["dynamodb:Scan", "dynamodb:PutItem"]
    resources = [aws_dynamodb_table.signing_keys.arn]
  }

  statement {
    sid       = "Secrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = local.readable_secret_arns
  }

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.token.arn}:*"]
  }
}

resource "aws_iam_role_policy" "token" {
  name   = "portcullis-token"
  role   = aws_iam_role.token.id
  policy = data.aws_iam_policy_document.token.json
}

# authorizer: reads the revocation feed.
resource "aws_iam_role" "authorizer" {
  name               = "${local.function_names.authorizer}-role"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
  tags               = local.tags
}

data "aws_iam_policy_document" "authorizer" {
  source_policy_documents = [data.aws_iam_policy_document.network.json]

  statement {
    sid       = "Revocations"
    actions   = ["dynamodb:Query"]
    resources = [aws_dynamodb_table.revocations.arn]
  }

  statement {
    sid       = "Secrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = local.readable_secret_arns
  }

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.authorizer.arn}:*"]
  }
}

resource "aws_iam_role_policy" "authorizer" {
  name   = "portcullis-authorizer"
  role   = aws_iam_role.authorizer.id
  policy = data.aws_iam_policy_document.authorizer.json
}

# forwarder: counts per-user limits; reads the revocation feed when it checks tokens itself (public prefixes
# with secure routes under them); reads a session's backend credentials on routes that inject them (JWT mode);
# renews a browser session from its refresh cookie (a reused one revokes its login: PutItem on the feed); signs
# identity assertions with the generated keys.
resource "aws_iam_role" "forwarder" {
  name               = "${local.function_names.forwarder}-role"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
  tags               = local.tags
}

data "aws_iam_policy_document" "forwarder" {
  source_policy_documents = [data.aws_iam_policy_document.network.json]

  statement {
    sid       = "Revocations"
    actions   = ["dynamodb:Query", "dynamodb:PutItem"]
    resources = [aws_dynamodb_table.revocations.arn]
  }

  statement {
    sid       = "RefreshTokens"
    actions   = ["dynamodb:UpdateItem"]
    resources = [aws_dynamodb_table.refresh_tokens.arn]
  }

  statement {
    sid       = "SigningKeys"
    actions   = ["dynamodb:Scan", "dynamodb:PutItem"]
    resources = [aws_dynamodb_table.signing_keys.arn]
  }

  statement {
    sid       = "RateLimits"
    actions   = ["dynamodb:UpdateItem"]
    resources = [aws_dynamodb_table.rate_limits.arn]
  }

  statement {
    sid       = "Sessions"
    actions   = ["dynamodb:GetItem"]
    resources = [aws_dynamodb_table.sessions.arn]
  }

  statement {
    sid       = "Secrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = local.readable_secret_arns
  }

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.forwarder.arn}:*"]
  }
}

resource "aws_iam_role_policy" "forwarder" {
  name   = "portcullis-forwarder"
  role   = aws_iam_role.forwarder.id
  policy = data.aws_iam_policy_document.forwarder.json
}

# In a VPC (var.vpc), Lambda creates and removes the functions' network interfaces with the function's role. EC2
# does not scope these actions to resources (Describe* never, Create/Delete only partly), hence "*", as in AWS's
# own AWSLambdaVPCAccessExecutionRole. Empty outside a VPC.
data "aws_iam_policy_document" "network" {
  dynamic "statement" {
    for_each = var.vpc == null ? [] : [1]

    content {
      sid = "NetworkInterfaces"
      actions = [
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
      ]
      resources = ["*"]
    }
  }
}
