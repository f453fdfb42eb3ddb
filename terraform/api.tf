# The HTTP API (DESIGN.md §7):
#   POST /auth, /auth/refresh, /auth/revoke, /logout, /admin/revoke,
#   POST /auth/totp/enrol, /auth/totp/confirm,
#   GET /logout (browser sessions), GET /.well-known/jwks.json, GET /openapi.yaml
#                                                     -> token function (it checks tokens itself)
#   ANY /{proxy+} and ANY /                           -> forwarder, behind the Lambda authorizer
#   ANY <p> and ANY <p>/{proxy+} for public routes    -> forwarder, no authorizer
#   <M> <p> and <M> <p>/{proxy+} for direct_routes    -> the backend itself (HTTP_PROXY), behind the authorizer
# API Gateway picks the most specific route, so a public or direct prefix wins over the catch-all.

locals {
  forwarder_route_keys = ["ANY /{proxy+}", "ANY /"]

  public_route_keys = toset(flatten([for p in local.public_prefixes : ["ANY ${p}", "ANY ${p}/{proxy+}"]]))

  direct = { for p in var.direct_routes : p => local.routes_by_prefix[p] if contains(keys(local.routes_by_prefix), p) }

  # The backend URL a direct prefix maps to: the target's path plus, with preserve_prefix, the prefix itself.
  direct_upstream = { for p, r in local.direct : p => "${trimsuffix(r.target, "/")}${r.preserve_prefix ? p : ""}" }

  # One integration per API route path: <p> to the upstream base, <p>/{proxy+} to the upstream plus the rest.
  direct_integrations = merge([for p, r in local.direct : {
    (p)             = local.direct_upstream[p]
    "${p}/{proxy+}" = "${local.direct_upstream[p]}/{proxy}"
  }]...)

  # Route key -> integration path. A route limited to some methods gets one API route per method (GET implies
  # HEAD); other methods fall through to the forwarder's catch-all, which answers 405 with Allow.
  direct_route_keys = merge([for p, r in local.direct : {
    for pair in setproduct(
      r.methods == null ? ["ANY"] : distinct(flatten([for m in r.methods : m == "GET" ? ["GET", "HEAD"] : [m]])),
      [p, "${p}/{proxy+}"]
    ) : "${pair[0]} ${pair[1]}" => pair[1]
  }]...)
}

resource "aws_apigatewayv2_api" "this" {
  name          = var.name
  description   = "Portcullis authentication gateway"
  protocol_type = "HTTP"
  tags          = local.tags

  lifecycle {
    precondition {
      condition     = alltrue([for p in var.direct_routes : contains(keys(local.routes_by_prefix), p) ? local.routes_by_prefix[p].secure : false])
      error_message = "Every direct_routes entry must be the prefix of a secure route in var.routes (a public route needs no HTTP_PROXY shortcut: it has no authorizer to skip)."
    }
    precondition {
      condition     = length(setintersection(toset(concat(local.public_prefixes, var.direct_routes)), toset(["/auth", "/auth/refresh", "/auth/revoke", "/logout", "/admin/revoke", "/auth/totp/enrol", "/auth/totp/confirm"]))) == 0
      error_message = "A public or direct route cannot use the prefix of one of the gateway's own endpoints (/auth, /auth/refresh, /auth/revoke, /logout, /admin/revoke, /auth/totp/enrol, /auth/totp/confirm)."
    }
  }
}

# Access logs: one JSON line per request. No header values (so no token) are logged.
resource "aws_cloudwatch_log_group" "api" {
  name              = "/aws/apigateway/${var.name}"
  retention_in_days = var.log_retention_days
  tags              = local.tags
}

# $default is required: the functions route on the event's rawPath, which a named stage would prefix.
resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      requestTime        = "$context.requestTime"
      sourceIp           = "$context.identity.sourceIp"
      httpMethod         = "$context.httpMethod"
      path               = "$context.path"
      routeKey           = "$context.routeKey"
      status             = "$context.status"
      protocol           = "$context.protocol"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationStatus  = "$context.integrationStatus"
      integrationLatency = "$context.integrationLatency"
      integrationError   = "$context.integrationErrorMessage"
      authorizerError    = "$context.authorizer.error"
      user               = "$context.authorizer.user"
      tokenId            = "$context.authorizer.token_id"
    })
  }

  tags = local.tags
}

resource "aws_apigatewayv2_authorizer" "this" {
  api_id                            = aws_apigatewayv2_api.this.id
  name                              = "${var.name}-authorizer"
  authorizer_type                   = "REQUEST"
  authorizer_uri                    = aws_lambda_alias.authorizer.invoke_arn
  authorizer_payload_format_version = "2.0"
  enable_simple_responses           = true
  # A request without Authorization gets 401 from API Gateway without invoking the function.
  identity_sources = ["$request.header.Authorization"]
  # 0 = no cache. Must be set: the provider's default is 300.
  authorizer_result_ttl_in_seconds = var.authorizer_cache_ttl_seconds
}

resource "aws_apigatewayv2_integration" "token" {
  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = aws_lambda_alias.token.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = 30000
}

resource "aws_apigatewayv2_integration" "forwarder" {
  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = aws_lambda_alias.forwarder.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = 30000
}

resource "aws_apigatewayv2_route" "token" {
  for_each = toset(local.token_route_keys)

  api_id             = aws_apigatewayv2_api.this.id
  route_key          = each.key
  authorization_type = "NONE"
  target             = "integrations/${aws_apigatewayv2_integration.token.id}"
}

resource "aws_apigatewayv2_route" "forwarder" {
  for_each = toset(local.forwarder_route_keys)

  api_id             = aws_apigatewayv2_api.this.id
  route_key          = each.key
  authorization_type = "CUSTOM"
  authorizer_id      = aws_apigatewayv2_authorizer.this.id
  target             = "integrations/${aws_apigatewayv2_integration.forwarder.id}"
}

# Public routes (secure = false): no authorizer; the forwarder limits them per client address, and checks
# tokens itself for any secure route nested under a public prefix.
resource "aws_apigatewayv2_route" "public" {
  for_each = local.public_route_keys

  api_id             = aws_apigatewayv2_api.this.id
  route_key          = each.key
  authorization_type = "NONE"
  target             = "integrations/${aws_apigatewayv2_integration.forwarder.id}"
}

# Direct routes: API Gateway proxies to the backend after the authorizer allowed the request. The identity
# headers are overwritten from the authorizer's context, so a client cannot forge them. No function runs:
# no per-user rate limit, no 429, and Authorization (reserved) reaches the backend unchanged.
resource "aws_apigatewayv2_integration" "direct" {
  for_each = local.direct_integrations

  api_id               = aws_apigatewayv2_api.this.id
  integration_type     = "HTTP_PROXY"
  integration_method   = "ANY"
  integration_uri      = each.value
  timeout_milliseconds = 30000

  request_parameters = {
    "overwrite:header.${var.identity_headers.user}"     = "$context.authorizer.user"
    "overwrite:header.${var.identity_headers.roles}"    = "$context.authorizer.roles"
    "overwrite:header.${var.identity_headers.token_id}" = "$context.authorizer.token_id"
  }
}

resource "aws_apigatewayv2_route" "direct" {
  for_each = local.direct_route_keys

  api_id             = aws_apigatewayv2_api.this.id
  route_key          = each.key
  authorization_type = "CUSTOM"
  authorizer_id      = aws_apigatewayv2_authorizer.this.id
  target             = "integrations/${aws_apigatewayv2_integration.direct[each.value].id}"
}

# API Gateway may invoke the aliases, and only from this API: the token function on its own routes, the
# forwarder on any route, the authorizer as this API's authorizer.
resource "aws_lambda_permission" "token" {
  for_each = toset(local.token_route_keys)

  statement_id  = "AllowHttpApi-${replace(each.key, "/[^A-Za-z0-9]+/", "-")}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.token.function_name
  qualifier     = aws_lambda_alias.token.name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/${split(" ", each.key)[0]}${split(" ", each.key)[1]}"
}

resource "aws_lambda_permission" "forwarder" {
  statement_id  = "AllowHttpApi"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.forwarder.function_name
  qualifier     = aws_lambda_alias.forwarder.name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/*"
}

resource "aws_lambda_permission" "authorizer" {
  statement_id  = "AllowHttpApiAuthorizer"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.authorizer.function_name
  qualifier     = aws_lambda_alias.authorizer.name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/authorizers/${aws_apigatewayv2_authorizer.this.id}"
}
