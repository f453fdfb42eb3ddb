# Outputs: where the gateway is and what it made. No secret value is ever an output (the tests check it).

output "api_url" {
  description = "Base URL of the gateway (the $default stage): POST <api_url>/auth, then <api_url>/<route prefix>/..."
  value       = aws_apigatewayv2_stage.default.invoke_url
}

output "api_id" {
  description = "ID of the HTTP API."
  value       = aws_apigatewayv2_api.this.id
}

output "table_names" {
  description = "DynamoDB table names by role (users, revocations, rate_limits, sessions, refresh_tokens, signing_keys)."
  value = {
    users          = aws_dynamodb_table.users.name
    revocations    = aws_dynamodb_table.revocations.name
    rate_limits    = aws_dynamodb_table.rate_limits.name
    sessions       = aws_dynamodb_table.sessions.name
    refresh_tokens = aws_dynamodb_table.refresh_tokens.name
    signing_keys   = aws_dynamodb_table.signing_keys.name
  }
}

output "function_arns" {
  description = "ARNs of the three functions (unqualified)."
  value = {
    token      = aws_lambda_function.token.arn
    authorizer = aws_lambda_function.authorizer.arn
    forwarder  = aws_lambda_function.forwarder.arn
  }
}

output "function_alias_arns" {
  description = "ARNs of the live aliases API Gateway invokes (published versions, with SnapStart)."
  value = {
    token      = aws_lambda_alias.token.arn
    authorizer = aws_lambda_alias.authorizer.arn
    forwarder  = aws_lambda_alias.forwarder.arn
  }
}

output "token_key_secret_arns" {
  description = "ARNs (not values) of the token key secrets, by key id."
  value       = { for id, secret in aws_secretsmanager_secret.token : id => secret.arn }
}

output "log_group_names" {
  description = "CloudWatch log groups: one per function, and the API's access log."
  value = {
    token      = aws_cloudwatch_log_group.token.name
    authorizer = aws_cloudwatch_log_group.authorizer.name
    forwarder  = aws_cloudwatch_log_group.forwarder.name
    api_access = aws_cloudwatch_log_group.api.name
  }
}
