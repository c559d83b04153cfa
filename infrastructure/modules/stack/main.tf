# One Caja environment: network, KMS key, security groups, log bucket, load balancer, database,
# ECS service, static assets and uploaded media. environments/staging and environments/production
# call this with their own sizes; everything that must hold in both is fixed here or in the modules.

data "aws_caller_identity" "current" {}

locals {
  name = "${var.name_prefix}-${var.environment}"
  # Bucket names are global: the account id keeps them unique.
  account_id = data.aws_caller_identity.current.account_id
  public_url = "https://${var.public_hostname}"
}

module "kms" {
  source = "../kms"
  name   = local.name
}

module "network" {
  source             = "../network"
  name               = local.name
  cidr_block         = var.vpc_cidr
  az_count           = var.az_count
  single_nat_gateway = var.single_nat_gateway
  kms_key_arn        = module.kms.key_arn
  log_retention_days = var.log_retention_days
}

module "security_groups" {
  source              = "../security_groups"
  name                = local.name
  vpc_id              = module.network.vpc_id
  test_listener_port  = var.test_listener_port
  test_listener_cidrs = var.test_listener_cidrs
}

module "access_logs" {
  source         = "../log_bucket"
  bucket_name    = "${local.name}-access-logs-${local.account_id}"
  retention_days = var.access_log_retention_days
  force_destroy  = var.force_destroy_buckets
}

module "load_balancer" {
  source              = "../load_balancer"
  name                = local.name
  vpc_id              = module.network.vpc_id
  public_subnet_ids   = module.network.public_subnet_ids
  security_group_id   = module.security_groups.alb_security_group_id
  certificate_arn     = var.certificate_arn
  health_check_path   = "/readyz"
  test_listener_port  = var.test_listener_port
  deletion_protection = var.load_balancer_deletion_protection
  access_log_bucket   = module.access_logs.bucket_name
  kms_key_arn         = module.kms.key_arn
  log_retention_days  = var.log_retention_days
}

module "database" {
  source                = "../database"
  name                  = local.name
  subnet_ids            = module.network.database_subnet_ids
  security_group_id     = module.security_groups.database_security_group_id
  kms_key_arn           = module.kms.key_arn
  instance_class        = var.database_instance_class
  allocated_storage_gb  = var.database_allocated_storage_gb
  max_connections       = var.database_max_connections
  backup_retention_days = var.database_backup_retention_days
  # Production is always protected, whatever the variable says.
  deletion_protection = var.environment == "production" ? true : var.database_deletion_protection
  log_retention_days  = var.log_retention_days
}

module "static_assets" {
  source                        = "../static_assets"
  name                          = local.name
  bucket_name                   = "${local.name}-assets-${local.account_id}"
  domain_name                   = var.static_hostname
  certificate_arn               = var.static_certificate_arn
  app_origin                    = local.public_url
  access_log_bucket             = module.access_logs.bucket_name
  access_log_bucket_domain_name = module.access_logs.bucket_domain_name
  force_destroy                 = var.force_destroy_buckets
  media_origin = {
    domain_name  = module.media.bucket_regional_domain_name
    path_pattern = module.media.path_pattern
  }
}

module "edge" {
  source                        = "../edge"
  count                         = var.edge == null ? 0 : 1
  name                          = local.name
  domain_name                   = var.public_hostname
  origin_hostname               = var.edge.origin_hostname
  certificate_arn               = var.edge.certificate_arn
  access_log_bucket_domain_name = module.access_logs.bucket_domain_name
}

module "media" {
  source            = "../media"
  name              = local.name
  bucket_name       = "${local.name}-media-${local.account_id}"
  task_role_arn     = module.service.task_role_arn
  distribution_arn  = module.static_assets.distribution_arn
  public_base_url   = "${module.static_assets.base_url}media"
  access_log_bucket = module.access_logs.bucket_name
  force_destroy     = var.force_destroy_buckets
}

module "service" {
  source            = "../service"
  name              = local.name
  image             = var.image
  cpu               = var.task_cpu
  memory            = var.task_memory
  desired_count     = var.min_tasks
  min_capacity      = var.min_tasks
  max_capacity      = var.max_tasks
  subnet_ids        = module.network.private_subnet_ids
  security_group_id = module.security_groups.tasks_security_group_id
  target_group_arn  = module.load_balancer.target_group_arn
  listener_arn      = module.load_balancer.https_listener_arn
  # Blue/green: the second target group and the two rules ECS moves traffic with.
  alternate_target_group_arn   = module.load_balancer.alternate_target_group_arn
  production_listener_rule_arn = module.load_balancer.production_listener_rule_arn
  test_listener_rule_arn       = module.load_balancer.test_listener_rule_arn
  bake_time_minutes            = var.bake_time_minutes
  deployment_alarm_names       = module.monitoring.deployment_alarm_names
  public_url                   = local.public_url
  trusted_proxy_cidrs          = module.network.public_subnet_cidrs
  database = {
    host     = module.database.address
    port     = module.database.port
    name     = module.database.database_name
    username = module.database.master_username
  }
  database_password_secret_arn = module.database.master_user_secret_arn
  kms_key_arn                  = module.kms.key_arn
  static_url                   = module.static_assets.base_url
  extra_environment            = merge(module.media.environment, { CAJA_DB_POOL_SIZE = tostring(var.database_pool_size) }, var.extra_environment)
  log_retention_days           = var.log_retention_days
}

module "monitoring" {
  source                            = "../monitoring"
  name                              = local.name
  kms_key_arn                       = module.kms.key_arn
  alarm_emails                      = var.alarm_emails
  load_balancer_arn_suffix          = module.load_balancer.arn_suffix
  target_group_arn_suffix           = module.load_balancer.target_group_arn_suffix
  alternate_target_group_arn_suffix = module.load_balancer.alternate_target_group_arn_suffix
  min_healthy_tasks                 = var.min_tasks
  database_instance_id              = module.database.instance_id
  database_max_connections          = var.database_max_connections
  database_allocated_storage_gb     = var.database_allocated_storage_gb
}
