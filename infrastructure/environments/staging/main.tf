# Staging: the same stack as production, smaller and cheaper (one NAT gateway, burstable database),
# still with two tasks so that multi-replica behaviour is exercised before production.

module "caja" {
  source      = "../../modules/stack"
  environment = "staging"

  vpc_cidr           = "10.40.0.0/16"
  az_count           = 2
  single_nat_gateway = true

  public_hostname        = var.public_hostname
  certificate_arn        = var.certificate_arn
  static_hostname        = var.static_hostname
  static_certificate_arn = var.static_certificate_arn
  image                  = var.image
  edge                   = var.edge
  alarm_emails           = var.alarm_emails

  task_cpu    = 512
  task_memory = 1024
  min_tasks   = 2
  max_tasks   = 4

  database_instance_class        = "db.t4g.medium"
  database_allocated_storage_gb  = 20
  database_max_connections       = 200
  database_backup_retention_days = 7

  log_retention_days        = 365
  access_log_retention_days = 90
  force_destroy_buckets     = true
}
