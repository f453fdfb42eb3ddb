# Inputs of the Portcullis module. Every variable has a description and a type (the module's tests check it).

variable "name" {
  description = "Name prefix of every resource (functions, roles, log groups, secrets, the API)."
  type        = string
  default     = "portcullis"

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$", var.name))
    error_message = "name must be 1 to 40 characters of A-Z a-z 0-9 _ -, starting with a letter or digit (function names add up to 11 more)."
  }
}

variable "table_prefix" {
  description = "Prefix of the DynamoDB table names (<prefix>users, <prefix>revocations, <prefix>rate-limits, <prefix>sessions). Null means \"<name>-\"."
  type        = string
  default     = null

  validation {
    condition     = var.table_prefix == null || can(regex("^[A-Za-z0-9_.-]{0,200}$", var.table_prefix))
    error_message = "table_prefix may hold only A-Z a-z 0-9 _ . - (at most 200 characters), as the gateway's store.table-prefix."
  }
}

variable "lambda_package_path" {
  description = "Path of the deployment package built by `mvn package` (functions/lambda/target/portcullis-lambda.zip). Null means that path relative to this module, i.e. inside a checkout of the repository."
  type        = string
  default     = null
}

variable "lambda_architecture" {
  description = "Instruction set of the three functions: x86_64 or arm64 (the package is pure Java plus bundled natives for both)."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.lambda_architecture)
    error_message = "lambda_architecture must be x86_64 or arm64."
  }
}

variable "lambda_memory_mb" {
  description = "Memory of each function in MB. CPU grows with memory; the token function runs Argon2 at every login, so stay at 1024 or above unless logins are rare."
  type        = number
  default     = 1024

  validation {
    condition     = var.lambda_memory_mb >= 256 && var.lambda_memory_mb <= 10240 && floor(var.lambda_memory_mb) == var.lambda_memory_mb
    error_message = "lambda_memory_mb must be a whole number from 256 to 10240."
  }
}

variable "lambda_timeout_seconds" {
  description = "Timeout of each function in seconds. API Gateway stops waiting for an HTTP API integration after 30 s, so a function must answer within 29 s; the backend's connect and read timeouts (upstream) must add up to less, so that a slow backend gets the gateway's 504 rather than API Gateway's 500."
  type        = number
  default     = 29

  validation {
    condition     = var.lambda_timeout_seconds >= 3 && var.lambda_timeout_seconds <= 29 && floor(var.lambda_timeout_seconds) == var.lambda_timeout_seconds
    error_message = "lambda_timeout_seconds must be a whole number from 3 to 29: every function serves HTTP API routes, and API Gateway gives up on them after 30 s."
  }
}

variable "upstream" {
  description = "How long the forwarder waits for a backend (the gateway's upstream section): connect_timeout_ms to connect, read_timeout_ms for its answer. Together they must stay below lambda_timeout_seconds."
  type = object({
    connect_timeout_ms = optional(number, 3000)
    read_timeout_ms    = optional(number, 20000)
  })
  default = {}

  validation {
    condition     = var.upstream.connect_timeout_ms >= 1 && var.upstream.read_timeout_ms >= 1
    error_message = "upstream timeouts must be at least 1 ms."
  }
}

variable "log_retention_days" {
  description = "Retention of the functions' log groups and of the API's access log group, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "authorizer_cache_ttl_seconds" {
  description = "How long API Gateway caches the authorizer's answer, in seconds. The authorizer guards only direct_routes. 0 (the default) checks every request and needs no identity source, so a request with only the session cookie reaches it. Above 0, a revoked token goes unnoticed for up to this long, and requests missing an authorizer_cache_identity_sources value get API Gateway's 401; see README."
  type        = number
  default     = 0

  validation {
    condition     = var.authorizer_cache_ttl_seconds >= 0 && var.authorizer_cache_ttl_seconds <= 3600 && floor(var.authorizer_cache_ttl_seconds) == var.authorizer_cache_ttl_seconds
    error_message = "authorizer_cache_ttl_seconds must be a whole number from 0 to 3600 (API Gateway's maximum)."
  }
}

variable "authorizer_cache_identity_sources" {
  description = "What the authorizer's cache is keyed on when authorizer_cache_ttl_seconds is above 0 (API Gateway refuses, with 401, a request missing any of them). The default keys on the bearer header and the route; browser sessions need \"$request.header.Cookie\" instead of the header."
  type        = list(string)
  default     = ["$request.header.Authorization", "$context.routeKey"]

  validation {
    condition     = length(var.authorizer_cache_identity_sources) > 0 && alltrue([for s in var.authorizer_cache_identity_sources : can(regex("^\\$(request\\.header\\.[A-Za-z0-9-]+|request\\.querystring\\.[A-Za-z0-9_-]+|context\\.[A-Za-z0-9_.]+|stageVariables\\.[A-Za-z0-9_]+)$", s))])
    error_message = "authorizer_cache_identity_sources must be one or more of $request.header.NAME, $request.querystring.NAME, $context.NAME or $stageVariables.NAME."
  }
}

variable "routes" {
  description = "The route table (the gateway's routes: list): path prefix to backend. secure defaults to true; users/roles/methods absent admit anyone/any role/any method; preserve_prefix forwards /api/x as /api/x rather than /x."
  type = list(object({
    prefix          = string
    target          = string
    secure          = optional(bool, true)
    users           = optional(list(string))
    roles           = optional(list(string))
    methods         = optional(list(string))
    preserve_prefix = optional(bool, false)
  }))
  default = []

  validation {
    condition     = alltrue([for r in var.routes : can(regex("^/([A-Za-z0-9._~!$&'()*+,;=:@%-]+(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*)?$", r.prefix))])
    error_message = "Each route prefix must be a path such as /api or /api/v1: a leading slash, no trailing slash (except / itself), no empty segment."
  }

  validation {
    condition     = alltrue([for r in var.routes : can(regex("^https?://[^/?#@]+(/[^?#]*)?$", r.target))])
    error_message = "Each route target must be an http:// or https:// URL naming a host, without query, fragment or user info."
  }

  validation {
    condition     = length(distinct([for r in var.routes : r.prefix])) == length(var.routes)
    error_message = "A prefix may be routed only once."
  }

  validation {
    condition = alltrue([for r in var.routes : r.methods == null ? true : alltrue([
      for m in r.methods : contains(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"], m)
    ])])
    error_message = "Route methods must be upper-case GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS."
  }

  validation {
    condition     = alltrue([for r in var.routes : (r.users == null ? true : length(r.users) > 0) && (r.roles == null ? true : length(r.roles) > 0)])
    error_message = "users and roles may be absent, but not empty lists (an empty list would admit nobody)."
  }

}

variable "direct_routes" {
  description = "Prefixes of secure routes (from var.routes) that API Gateway sends straight to their backend (HTTP_PROXY) after the Lambda authorizer, with no forwarder function: cheaper and faster, for browser sessions. API Gateway cannot keep an Authorization header from such a backend, so these routes refuse one (403) and take the session or JWT cookie, which is removed from the Cookie header the backend gets. No per-user rate limit. See README."
  type        = list(string)
  default     = []

  validation {
    condition     = length(distinct(var.direct_routes)) == length(var.direct_routes) && !contains(var.direct_routes, "/")
    error_message = "direct_routes must not repeat a prefix, and / cannot be direct (its catch-all route belongs to the forwarder)."
  }
}

variable "direct_route_vpc_link" {
  description = "For direct routes whose backend is private: a VPC link (subnets and security groups it places its network interfaces in) and, per direct prefix, the private integration target: an ALB or NLB listener ARN, or a Cloud Map service ARN. The route's target URL still gives the path (and, for https, the name the certificate must carry)."
  type = object({
    subnet_ids         = list(string)
    security_group_ids = list(string)
    targets            = map(string)
  })
  default = null

  validation {
    condition     = var.direct_route_vpc_link == null || (length(try(var.direct_route_vpc_link.subnet_ids, [])) > 0 && alltrue([for arn in values(try(var.direct_route_vpc_link.targets, {})) : can(regex("^arn:aws[a-z-]*:(elasticloadbalancing|servicediscovery):", arn))]))
    error_message = "direct_route_vpc_link needs at least one subnet, and each target must be an ELB listener ARN or a Cloud Map service ARN."
  }
}

variable "vpc" {
  description = "Runs the three functions in a VPC (subnets, security groups), to reach private backends, Redis or VPC endpoints. The roles then get the network-interface permissions Lambda needs. Null (the default) keeps them outside any VPC."
  type = object({
    subnet_ids         = list(string)
    security_group_ids = list(string)
  })
  default = null

  validation {
    condition     = var.vpc == null || (length(try(var.vpc.subnet_ids, [])) > 0 && length(try(var.vpc.security_group_ids, [])) > 0)
    error_message = "vpc needs at least one subnet and one security group."
  }
}

variable "token_keys" {
  description = "Token keys, newest first: each gets its own generated secret in Secrets Manager. The first active key issues tokens, every key verifies them. Rotate by adding a key in front and marking the old one active = false; remove it after token_ttl_seconds. Never reuse a removed id."
  type = list(object({
    id     = string
    active = optional(bool, true)
  }))
  default = [{ id = "k1" }]

  validation {
    condition     = length(var.token_keys) > 0 && alltrue([for k in var.token_keys : can(regex("^[A-Za-z0-9._-]{1,32}$", k.id))])
    error_message = "At least one key; each id is 1 to 32 of A-Z a-z 0-9 . _ -."
  }

  validation {
    condition     = length(distinct([for k in var.token_keys : upper(replace(k.id, "/[^A-Za-z0-9]/", "_"))])) == length(var.token_keys)
    error_message = "Key ids must stay distinct once upper-cased with . and - read as _ (they name environment variables)."
  }

  validation {
    condition     = anytrue([for k in var.token_keys : k.active])
    error_message = "At least one key must be active, or no token can be issued."
  }
}

variable "token_ttl_seconds" {
  description = "Lifetime of an issued token, in seconds (the gateway's tokens.ttl-seconds)."
  type        = number
  default     = 3600

  validation {
    condition     = var.token_ttl_seconds >= 1 && var.token_ttl_seconds <= 31622400 && floor(var.token_ttl_seconds) == var.token_ttl_seconds
    error_message = "token_ttl_seconds must be a whole number from 1 to 31622400 (366 days)."
  }
}

variable "rate_limits" {
  description = "The gateway's rate-limits: proxy applies per user across all secure routes (per client address on public ones) and is enforced by the forwarder; auth applies to POST /auth per username and per client address. requests_per_second 0 disables a limit."
  type = object({
    proxy = optional(object({
      requests_per_second = number
      burst               = number
      block_delay_ms      = optional(number, 0)
    }), { requests_per_second = 10, burst = 100, block_delay_ms = 0 })
    auth = optional(object({
      requests_per_second = number
      burst               = number
      block_delay_ms      = optional(number, 0)
    }), { requests_per_second = 1, burst = 10, block_delay_ms = 500 })
  })
  default = {}

  validation {
    condition = alltrue([
      for l in [var.rate_limits.proxy, var.rate_limits.auth] :
      l.requests_per_second >= 0 && l.block_delay_ms >= 0 && (l.requests_per_second == 0 || l.burst >= 1)
    ])
    error_message = "requests_per_second and block_delay_ms must not be negative, and a limited key needs burst >= 1."
  }
}

variable "identity_headers" {
  description = "Names of the identity headers backends receive (the gateway's identity-headers). Also used by the direct (HTTP_PROXY) routes' parameter mapping, so they must not be headers API Gateway reserves."
  type = object({
    user     = optional(string, "x-user")
    roles    = optional(string, "x-user-roles")
    token_id = optional(string, "x-token-id")
  })
  default = {}

  validation {
    condition = alltrue([
      for h in values(var.identity_headers) :
      can(regex("^[a-z0-9!#$%&'*+.^_`|~-]{1,64}$", h)) &&
      !can(regex("^(access-control-.*|apigw-.*|x-amz-.*|x-amzn-.*|authorization|connection|content-encoding|content-length|content-location|content-type|cookie|set-cookie|forwarded|host|keep-alive|origin|proxy-authenticate|proxy-authorization|te|trailers|transfer-encoding|upgrade|via|x-forwarded-for|x-forwarded-host|x-forwarded-proto)$", h))
    ]) && length(distinct(values(var.identity_headers))) == 3
    error_message = "Identity headers must be three different lower-case header names that neither the gateway nor API Gateway reserves (Authorization, Host, Via, X-Forwarded-*, x-amz-*, ...)."
  }
}

variable "table_deletion_protection" {
  description = "Turn on DynamoDB deletion protection for the tables (users and revocations are data you do not want to lose by accident). Set false to let `terraform destroy` remove them."
  type        = bool
  default     = true
}

variable "secret_recovery_window_days" {
  description = "Days Secrets Manager keeps a deleted token secret recoverable (0 deletes at once, otherwise 7 to 30)."
  type        = number
  default     = 7

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or from 7 to 30."
  }
}

variable "tags" {
  description = "Tags added to every resource that takes tags."
  type        = map(string)
  default     = {}
}

variable "users" {
  description = "Users the token function writes into the users table at each cold start (the gateway's users: list): username, password_hash (an Argon2id PHC string: never a plaintext password), roles, allow (client address blocks), totp_secret (a $${NAME} reference to var.secrets, never a literal). Users added otherwise (admin API, CLI) are left alone."
  type = list(object({
    username      = string
    password_hash = string
    roles         = optional(list(string))
    allow         = optional(list(string))
    totp_secret   = optional(string)
  }))
  default = []

  validation {
    condition     = alltrue([for u in var.users : can(regex("^\\$argon2(id|i|d)\\$", u.password_hash)) && can(regex("^[!-~]{1,128}$", u.username))])
    error_message = "Each user needs a username of 1 to 128 visible ASCII characters and a password_hash that is an Argon2 PHC string ($argon2id$...): a function has no file to rewrite plaintext into."
  }

  validation {
    condition     = alltrue([for u in var.users : u.totp_secret == null || can(regex("^\\$\\{[A-Z0-9_]+_SECRET\\}$", u.totp_secret))])
    error_message = "totp_secret must be a reference such as $${ALICE_TOTP_SECRET} to a secret in var.secrets, never the secret itself."
  }
}

variable "trusted_proxies" {
  description = "Address blocks whose X-Forwarded-For the gateway believes (the gateway's trusted-proxies), e.g. a CloudFront or load balancer in front of API Gateway. Empty (the default): the client is API Gateway's source IP."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.trusted_proxies : can(cidrhost(c, 0))])
    error_message = "Each trusted proxy must be an address block such as 10.0.0.0/8 or 2001:db8::/32."
  }
}

variable "cors" {
  description = "Origins browsers may call the gateway from (the gateway's cors section). The same origins go to the HTTP API's own CORS configuration, which answers preflights and sets the CORS headers on every answer. Null: no cross-origin access."
  type = object({
    origins         = list(string)
    max_age_seconds = optional(number, 3600)
  })
  default = null

  validation {
    condition     = var.cors == null || (length(try(var.cors.origins, [])) > 0 && alltrue([for o in try(var.cors.origins, []) : can(regex("^https?://[^/*]+$", o))]) && try(var.cors.max_age_seconds, 0) >= 0 && try(var.cors.max_age_seconds, 0) <= 86400)
    error_message = "cors.origins must list origins such as https://app.example (no path, no wildcard), and max_age_seconds be 0 to 86400."
  }
}

variable "jwt" {
  description = "JWT mode (the gateway's jwt section; attribute names are its keys with _ for -): issuer, audience, keys (kid, algorithm, public_key, or secret as a $${NAME} reference to var.secrets), jwks_url, cookie, cookie_base64, roles_claim, default_route_token, and the *_seconds durations. Null: Portcullis tokens only."
  type = object({
    issuer               = optional(string)
    audience             = optional(list(string))
    clock_skew_seconds   = optional(number)
    max_lifetime_seconds = optional(number)
    keys = optional(list(object({
      kid        = string
      algorithm  = string
      secret     = optional(string)
      public_key = optional(string)
    })))
    jwks_url             = optional(string)
    jwks_refresh_seconds = optional(number)
    jwks_max_age_seconds = optional(number)
    jwks_timeout_seconds = optional(number)
    cookie               = optional(string)
    cookie_base64        = optional(bool)
    roles_claim          = optional(string)
    default_route_token  = optional(string)
  })
  default = null

  validation {
    condition     = var.jwt == null || alltrue([for k in coalesce(try(var.jwt.keys, null), []) : k.secret == null || can(regex("^\\$\\{[A-Z0-9_]+_SECRET\\}$", k.secret))])
    error_message = "A JWT key's secret must be a reference such as $${JWT_HMAC_SECRET} to a secret in var.secrets, never the secret itself."
  }
}

variable "sessions" {
  description = "Where session credentials live for routes that inject them (the gateway's sessions section, _ for -): store (dynamodb, the module's sessions table, or redis), redis_uri, connect_timeout_ms, read_timeout_ms, pool_size, format, keys (id, key as a $${NAME} reference to var.secrets). Redis needs var.vpc to reach it."
  type = object({
    store              = optional(string)
    redis_uri          = optional(string)
    connect_timeout_ms = optional(number)
    read_timeout_ms    = optional(number)
    pool_size          = optional(number)
    format             = optional(string)
    keys = optional(list(object({
      id  = string
      key = string
    })))
  })
  default = null

  validation {
    condition     = var.sessions == null || (contains(["dynamodb", "redis", "memory"], coalesce(try(var.sessions.store, null), "dynamodb")) && alltrue([for k in coalesce(try(var.sessions.keys, null), []) : can(regex("^\\$\\{[A-Z0-9_]+_SECRET\\}$", k.key))]))
    error_message = "sessions.store must be dynamodb, redis or memory, and each key a reference such as $${SESSIONS_KEY_SECRET} to a secret in var.secrets."
  }
}

variable "browser" {
  description = "Browser sessions (the gateway's browser section, _ for -): cookie, max_age_seconds, login_redirect, logout_redirect, login_error_redirect, csrf. An empty object {} turns them on with the defaults; null (the default) leaves them off."
  type = object({
    cookie               = optional(string)
    max_age_seconds      = optional(number)
    login_redirect       = optional(string)
    logout_redirect      = optional(string)
    login_error_redirect = optional(string)
    csrf                 = optional(bool)
  })
  default = null
}

variable "totp" {
  description = "The second factor (the gateway's totp section): required, algorithm (SHA1, SHA256, SHA512), issuer. Null: the gateway's defaults."
  type = object({
    required  = optional(bool)
    algorithm = optional(string)
    issuer    = optional(string)
  })
  default = null

  validation {
    condition     = var.totp == null || contains(["SHA1", "SHA256", "SHA512"], coalesce(try(var.totp.algorithm, null), "SHA1"))
    error_message = "totp.algorithm must be SHA1, SHA256 or SHA512."
  }
}

variable "secrets" {
  description = "Secrets beyond the token keys, by name: NAME => Secrets Manager secret ARN. Each reaches the functions as NAME_SECRET_ARN, is read at the first invocation and is referred to as $${NAME_SECRET} in the configuration (jwt.keys[].secret, sessions.keys[].key, users[].totp_secret, extra_config). Every function's role may read exactly these ARNs."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for name, arn in var.secrets : can(regex("^[A-Z][A-Z0-9_]{0,63}$", name)) && can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", arn))])
    error_message = "secrets maps upper-case names (A-Z 0-9 _) to Secrets Manager secret ARNs."
  }
}

variable "extra_config" {
  description = "Any other key of the gateway's YAML (see the main README's Configuration), as an object merged into what the module generates: section by section, key by key, down to the third level (rate-limits.proxy.burst); a list or a deeper value replaces the generated one. The functions check the result during init, and config_check before anything is deployed."
  type        = any
  default     = {}

  validation {
    condition     = can(keys(var.extra_config))
    error_message = "extra_config must be an object of configuration sections, e.g. { passwords = { argon2 = { memory-kib = 65536 } } }."
  }
}

variable "config_storage" {
  description = "Where the functions find their configuration: environment (PORTCULLIS_CONFIG_YAML; Lambda allows 4 KB of environment), secretsmanager (a secret holding the YAML, read once per execution environment), or auto (the default): the environment while it fits, else the secret."
  type        = string
  default     = "auto"

  validation {
    condition     = contains(["auto", "environment", "secretsmanager"], var.config_storage)
    error_message = "config_storage must be auto, environment or secretsmanager."
  }
}

variable "config_check" {
  description = "Before the functions are created or changed, run `java -jar <config_check_jar> config check` on the generated configuration (with placeholder secrets), so a configuration the gateway refuses fails the apply. Needs java 21+ on the machine running terraform."
  type        = bool
  default     = true
}

variable "config_check_jar" {
  description = "The server jar that `mvn package` builds (local-server/target/portcullis-server.jar). Null means that path relative to this module."
  type        = string
  default     = null
}

variable "throttling" {
  description = "The stage's throttling for every route (API Gateway's token bucket, not per user): rate_limit requests per second, burst_limit requests at once. Floods of bad tokens are turned away here, before any function runs."
  type = object({
    rate_limit  = optional(number, 1000)
    burst_limit = optional(number, 500)
  })
  default = {}

  validation {
    condition     = var.throttling.rate_limit >= 0 && var.throttling.burst_limit >= 0 && floor(var.throttling.burst_limit) == var.throttling.burst_limit
    error_message = "throttling.rate_limit must not be negative, and burst_limit must be a whole number, not negative."
  }
}
