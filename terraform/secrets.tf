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

# The configuration, when it does not fit in the functions' environment (config_storage): not a secret in itself
# (the token keys and var.secrets are ${NAME} references in it), but it lists users and their hashes, and a secret
# is where the functions can read 64 KB once per execution environment with the client they already have.
resource "aws_secretsmanager_secret" "config" {
  count = local.config_in_secret ? 1 : 0

  name                    = "${var.name}/config"
  description             = "Portcullis configuration (YAML), read by the functions during init."
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = local.tags
}

resource "aws_secretsmanager_secret_version" "config" {
  count = local.config_in_secret ? 1 : 0

  secret_id     = aws_secretsmanager_secret.config[0].id
  secret_string = local.config_yaml
}
