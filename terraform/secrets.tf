# One generated secret per token key. The value never appears in a .tf or .tfvars file, an output, the
# functions' environment or their logs: the functions fetch it by ARN at their first invocation. It does live in
# the Terraform state (random_password.result and the secret version), so keep the state encrypted and
# access-controlled (see README).

resource "random_password" "token" {
  for_each = local.token_secret_env

  # 64 characters of A-Z a-z 0-9: about 380 bits, well above the gateway's 32-byte / 128-bit minimum.
  length  = 64
  special = false
}

resource "aws_secretsmanager_secret" "token" {
  for_each = local.token_secret_env

  name                    = "${var.name}/token-key/${each.key}"
  description             = "Portcullis token key ${each.key}: the secret its AEAD key is derived from."
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = local.tags
}

resource "aws_secretsmanager_secret_version" "token" {
  for_each = local.token_secret_env

  secret_id     = aws_secretsmanager_secret.token[each.key].id
  secret_string = random_password.token[each.key].result
}
