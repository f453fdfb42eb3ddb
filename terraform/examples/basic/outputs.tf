output "api_url" {
  description = "Base URL of the gateway: POST <api_url>/auth, then <api_url>/api/..."
  value       = module.portcullis.api_url
}

output "users_table" {
  description = "Table to put users into (see the module README, \"Adding users\")."
  value       = module.portcullis.table_names.users
}
