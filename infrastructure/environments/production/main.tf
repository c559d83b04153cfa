# Production: three availability zones, a NAT gateway in each, a general-purpose database with
# deletion protection and five weeks of point-in-time recovery. Sizes are the everyday baseline;
# docs/deploy.md says how to pre-scale for a large event.

module "caja" {
  source      = "../../modules/stack"
  environment = "production"

  vpc_cidr           = "10.50.0.0/16"
  az_count           = 3
  single_nat_gateway = false

  public_hostname        = var.public_hostname
  certificate_arn        = var.certificate_arn
  static_hostname        = var.static_hostname
  static_certificate_arn = var.static_certificate_arn
  image                  = var.image
  edge                   = var.edge
  alarm_emails           = var.alarm_emails

  task_cpu    = 1024
  task_memory = 2048
  min_tasks   = 3
  max_tasks   = 20

  database_instance_class        = "db.m7g.large"
  database_allocated_storage_gb  = 100
  database_max_connections       = 800
  database_backup_retention_days = 35
  database_deletion_protection   = true

  load_balancer_deletion_protection = true
  log_retention_days                = 365
  access_log_retention_days         = 365
  force_destroy_buckets             = false
}
