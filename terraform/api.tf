# The HTTP API (DESIGN.md §7):
#   ANY on each of the gateway's own paths and pages (local.token_route_keys) -> token function
#   ANY /{proxy+} and ANY /                                           -> forwarder (checks tokens itself)
#   <M> <p> and <M> <p>/{proxy+} for direct_routes                     -> the backend itself (HTTP_PROXY), behind
#                                                                        the Lambda authorizer
#   OPTIONS on direct prefixes, routes nested under them               -> forwarder (preflights, their own routes)
# API Gateway picks the most specific route, so direct prefixes win over the catch-all. No function runs behind an
# authorizer: the forwarder answers 401/403/429/503/504 itself, with the server's JSON bodies.

locals {
  forwarder_route_keys = ["ANY /{proxy+}", "ANY /"]

  direct = { for p in var.direct_routes : p => local.routes_by_prefix[p] if contains(keys(local.routes_by_prefix), p) }
  private_targets = var.direct_route_vpc_link == null ? {} : var.direct_route_vpc_link.targets

  # Per direct prefix: the backend URL (the target plus, with preserve_prefix, the prefix itself), and its path.
  direct_upstream = { for p, r in local.direct : p => "${trimsuffix(r.target, "/")}${r.preserve_prefix ? p : ""}" }
  direct_path     = { for p, u in local.direct_upstream : p => coalesce(try(regex("^https?://[^/]+(/.*)$", u)[0], null), "/") }

  # One integration per API route path: <p> to the upstream base, <p>/{proxy+} to the upstream plus the rest.
  # A prefix with a private target (direct_route_vpc_link) goes through the VPC link to that target, the path set
  # by parameter mapping.
  direct_integrations = merge([for p, r in local.direct : {
    (p) = {
      prefix = p
      uri    = contains(keys(local.private_targets), p) ? local.private_targets[p] : local.direct_upstream[p]
      path   = local.direct_path[p]
    }
    "${p}/{proxy+}" = {
      prefix = p
      uri    = contains(keys(local.private_targets), p) ? local.private_targets[p] : "${local.direct_upstream[p]}/{proxy}"
      path   = "${trimsuffix(local.direct_path[p], "/")}/$request.path.proxy"
    }
  }]...)

  # Route key -> integration path. A route limited to some methods gets one API route per method (GET implies
  # HEAD); other methods fall through to the forwarder's catch-all, which answers 405 with Allow. OPTIONS always
  # goes to the forwarder: browsers send preflights without credentials.
  direct_route_keys = merge([for p, r in local.direct : {
    for pair in setproduct(
      r.methods == null ? ["ANY"] : [for m in distinct(flatten([for m in r.methods : m == "GET" ? ["GET", "HEAD"] : [m]])) : m if m != "OPTIONS"],
      [p, "${p}/{proxy+}"]
    ) : "${pair[0]} ${pair[1]}" => pair[1]
  }]...)

  # Routes of the forwarder that API Gateway would otherwise send to a direct prefix: preflights on it, and the
  # gateway's other routes nested under it (/reports/admin under a direct /reports).
  nested_prefixes = [for r in var.routes : r.prefix if !contains(var.direct_routes, r.prefix) && anytrue([for p in var.direct_routes : startswith(r.prefix, "${p}/")])]
  forwarder_extra_route_keys = toset(concat(
    flatten([for p in keys(local.direct) : ["OPTIONS ${p}", "OPTIONS ${p}/{proxy+}"]]),
    flatten([for p in local.nested_prefixes : ["ANY ${p}", "ANY ${p}/{proxy+}"]]),
  ))
}

resource "aws_apigatewayv2_api" "this" {
  name          = var.name
  description   = "Portcullis authentication gateway"
  protocol_type = "HTTP"
  tags          = local.tags

  # The origins of var.cors: API Gateway answers preflights itself and puts these headers on every answer (it
  # ignores the integrations' own CORS headers when this is set).
  dynamic "cors_configuration" {
    for_each = var.cors == null ? [] : [var.cors]

    content {
      allow_origins     = cors_configuration.value.origins
      allow_credentials = true
      allow_methods     = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
      allow_headers     = ["authorization", "content-type", "x-csrf-token", "x-csrftoken"]
      expose_headers    = ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "retry-after", "www-authenticate"]
      max_age           = cors_configuration.value.max_age_seconds
    }
  }

  lifecycle {
    precondition {
      condition     = alltrue([for p in var.direct_routes : contains(keys(local.routes_by_prefix), p) ? local.routes_by_prefix[p].secure : false])
      error_message = "Every direct_routes entry must be the prefix of a secure route in var.routes (a public route needs no HTTP_PROXY shortcut: it has no authorizer to skip)."
    }
    precondition {
      condition     = length(setintersection(toset(var.direct_routes), toset(["/auth", "/auth/refresh", "/auth/revoke", "/logout", "/admin/revoke", "/admin/users", "/auth/totp/enrol", "/auth/totp/confirm"]))) == 0
      error_message = "A direct route cannot use the prefix of one of the gateway's own endpoints (/auth, /auth/refresh, /auth/revoke, /logout, /admin/revoke, /admin/users, /auth/totp/enrol, /auth/totp/confirm)."
    }
    precondition {
      condition     = alltrue([for p in keys(local.private_targets) : contains(var.direct_routes, p)])
      error_message = "Every direct_route_vpc_link target must be keyed by one of direct_routes."
    }
    precondition {
      condition     = var.upstream.connect_timeout_ms + var.upstream.read_timeout_ms < var.lambda_timeout_seconds * 1000
      error_message = "upstream.connect_timeout_ms + upstream.read_timeout_ms must stay below lambda_timeout_seconds, or a slow backend ends in the function's timeout (API Gateway's 500) instead of the gateway's 504."
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

  # For every route: API Gateway's token bucket, before any function runs (not per user; that is the forwarder's).
  default_route_settings {
    throttling_rate_limit  = var.throttling.rate_limit
    throttling_burst_limit = var.throttling.burst_limit
  }

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
  # Without a cache no identity source is needed, and none is set: API Gateway would answer 401 itself to a request
  # missing one, and a browser on a direct route carries only its session cookie. A cache needs its keys.
  identity_sources = var.authorizer_cache_ttl_seconds > 0 ? var.authorizer_cache_identity_sources : null
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
  for_each = setunion(toset(local.forwarder_route_keys), local.forwarder_extra_route_keys)

  api_id             = aws_apigatewayv2_api.this.id
  route_key          = each.key
  authorization_type = "NONE"
  target             = "integrations/${aws_apigatewayv2_integration.forwarder.id}"
}

# Direct routes: API Gateway proxies to the backend after the authorizer allowed the request. The identity
# headers are overwritten from the authorizer's context, so a client cannot forge them, and so is the Cookie header:
# the client's cookies without the token cookies. Authorization is reserved (no mapping can change it), so the
# authorizer refuses a request that carries one. No function runs: no per-user rate limit, no 429.
resource "aws_apigatewayv2_vpc_link" "direct" {
  count = var.direct_route_vpc_link == null ? 0 : 1

  name               = "${var.name}-direct"
  subnet_ids         = var.direct_route_vpc_link.subnet_ids
  security_group_ids = var.direct_route_vpc_link.security_group_ids
  tags               = local.tags
}

resource "aws_apigatewayv2_integration" "direct" {
  for_each = local.direct_integrations

  api_id               = aws_apigatewayv2_api.this.id
  integration_type     = "HTTP_PROXY"
  integration_method   = "ANY"
  integration_uri      = each.value.uri
  connection_type      = contains(keys(local.private_targets), each.value.prefix) ? "VPC_LINK" : "INTERNET"
  connection_id        = contains(keys(local.private_targets), each.value.prefix) ? aws_apigatewayv2_vpc_link.direct[0].id : null
  timeout_milliseconds = 30000

  request_parameters = merge({
    "overwrite:header.${var.identity_headers.user}"     = "$context.authorizer.user"
    "overwrite:header.${var.identity_headers.roles}"    = "$context.authorizer.roles"
    "overwrite:header.${var.identity_headers.token_id}" = "$context.authorizer.token_id"
    "overwrite:header.cookie"                           = "$context.authorizer.cookie"
    }, contains(keys(local.private_targets), each.value.prefix) ? {
    # A private target gets the request's own path otherwise: set the route target's.
    "overwrite:path" = each.value.path
  } : {})

  dynamic "tls_config" {
    for_each = contains(keys(local.private_targets), each.value.prefix) && startswith(local.direct[each.value.prefix].target, "https://") ? [1] : []

    content {
      server_name_to_verify = regex("^https://([^/:]+)", local.direct[each.value.prefix].target)[0]
    }
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
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/${replace(split(" ", each.key)[0], "ANY", "*")}${split(" ", each.key)[1]}"
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
