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
  description = "Timeout of each function in seconds. API Gateway gives up on an HTTP API integration after 30 s (and on an authorizer after 10 s), so more than 30 only costs money."
  type        = number
  default     = 29

  validation {
    condition     = var.lambda_timeout_seconds >= 3 && var.lambda_timeout_seconds <= 900 && floor(var.lambda_timeout_seconds) == var.lambda_timeout_seconds
    error_message = "lambda_timeout_seconds must be a whole number from 3 to 900."
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
  description = "How long API Gateway caches the authorizer's answer per Authorization header, in seconds. 0 (the default) checks every request. Above 0, a revoked token and an exhausted rate limit go unnoticed by the authorizer for up to this long, and one answer (allow or deny) applies to every route; see README."
  type        = number
  default     = 0

  validation {
    condition     = var.authorizer_cache_ttl_seconds >= 0 && var.authorizer_cache_ttl_seconds <= 3600 && floor(var.authorizer_cache_ttl_seconds) == var.authorizer_cache_ttl_seconds
    error_message = "authorizer_cache_ttl_seconds must be a whole number from 0 to 3600 (API Gateway's maximum)."
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

  validation {
    condition     = alltrue([for r in var.routes : r.secure || r.prefix != "/"])
    error_message = "The / prefix cannot be public (secure = false) behind API Gateway: its catch-all route carries the authorizer. Make / secure, or make narrower prefixes public."
  }
}

variable "direct_routes" {
  description = "Prefixes of secure routes (from var.routes) that API Gateway sends straight to their backend (HTTP_PROXY) after the authorizer, with no forwarder function: cheaper and faster, but no per-user rate limit and the client's Authorization header reaches the backend. See README."
  type        = list(string)
  default     = []

  validation {
    condition     = length(distinct(var.direct_routes)) == length(var.direct_routes) && !contains(var.direct_routes, "/")
    error_message = "direct_routes must not repeat a prefix, and / cannot be direct (its catch-all route belongs to the forwarder)."
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
