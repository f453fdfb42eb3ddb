# The tables exactly as the adapters use them (io.portcullis.infra.dynamodb.Tables): string keys, TTL on
# expires_at where items expire, on-demand, point-in-time recovery, encrypted with the AWS managed key.
# The functions never create tables (store.create-tables is false for dynamodb).

resource "aws_dynamodb_table" "users" {
  name                        = "${local.table_prefix}users"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "username"
  deletion_protection_enabled = var.table_deletion_protection

  attribute {
    name = "username"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  tags = local.tags
}

resource "aws_dynamodb_table" "revocations" {
  name                        = "${local.table_prefix}revocations"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = var.table_deletion_protection

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  tags = local.tags
}

resource "aws_dynamodb_table" "rate_limits" {
  name                        = "${local.table_prefix}rate-limits"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "limit_key"
  deletion_protection_enabled = var.table_deletion_protection

  attribute {
    name = "limit_key"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  tags = local.tags
}

resource "aws_dynamodb_table" "sessions" {
  name                        = "${local.table_prefix}sessions"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "sid"
  deletion_protection_enabled = var.table_deletion_protection

  attribute {
    name = "sid"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  tags = local.tags
}

resource "aws_dynamodb_table" "refresh_tokens" {
  name                        = "${local.table_prefix}refresh-tokens"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "family"
  deletion_protection_enabled = var.table_deletion_protection

  attribute {
    name = "family"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  tags = local.tags
}

resource "aws_dynamodb_table" "signing_keys" {
  name                        = "${local.table_prefix}signing-keys"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "kid"
  deletion_protection_enabled = var.table_deletion_protection

  attribute {
    name = "kid"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  tags = local.tags
}
