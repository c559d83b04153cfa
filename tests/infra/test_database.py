"""RDS PostgreSQL: Multi-AZ, encrypted, backed up with PITR, protected in production."""

from __future__ import annotations

from caja_core.storage.db import MAX_OVERFLOW
from caja_server.settings import Settings

from .tfconfig import ENVIRONMENTS, MODULES, module_call, named_blocks, ref, resource

DATABASE = MODULES / "database"
STACK = MODULES / "stack"


def db_instance() -> dict[str, object]:
    return resource(DATABASE, "aws_db_instance", "this")


def test_the_database_is_multi_az_and_encrypted_with_the_kms_key() -> None:
    db = db_instance()
    assert db["engine"] == "postgres"
    assert db["multi_az"] is True
    assert db["storage_encrypted"] is True
    assert ref(str(db["kms_key_id"])) == "var.kms_key_arn"
    assert db["performance_insights_kms_key_id"] == db["kms_key_id"]
    assert db["publicly_accessible"] is False


def test_the_master_password_lives_only_in_secrets_manager() -> None:
    db = db_instance()
    assert db["manage_master_user_password"] is True
    assert "password" not in db
    assert ref(str(db["master_user_secret_kms_key_id"])) == "var.kms_key_arn"


def test_automated_backups_give_point_in_time_recovery() -> None:
    db = db_instance()
    assert ref(str(db["backup_retention_period"])) == "var.backup_retention_days"
    variable = named_blocks(DATABASE, "variable")["backup_retention_days"]
    assert variable["default"] >= 7
    # The validation refuses 0 (no backups, so no PITR).
    assert ">= 7" in variable["validation"][0]["condition"]
    assert db["skip_final_snapshot"] is False
    assert db["copy_tags_to_snapshot"] is True
    assert db["delete_automated_backups"] is False


def test_production_is_always_deletion_protected() -> None:
    assert ref(str(db_instance()["deletion_protection"])) == "var.deletion_protection"
    passed = ref(module_call(STACK, "database")["deletion_protection"])
    assert passed.startswith('var.environment == "production" ? true :')
    production = module_call(ENVIRONMENTS / "production", "caja")
    assert production["environment"] == "production"
    assert production["database_deletion_protection"] is True
    assert production["database_backup_retention_days"] >= 14


def test_connections_must_use_tls() -> None:
    group = resource(DATABASE, "aws_db_parameter_group", "this")
    parameters = {p["name"]: p["value"] for p in group["parameter"]}
    assert parameters["rds.force_ssl"] == "1"


def test_the_database_sits_in_the_isolated_subnets() -> None:
    call = module_call(STACK, "database")
    assert ref(call["subnet_ids"]) == "module.network.database_subnet_ids"
    assert ref(call["security_group_id"]) == "module.security_groups.database_security_group_id"


# Per task: the app's SQLAlchemy pool (CAJA_DB_POOL_SIZE + overflow) and the two connections
# of the cross-replica version relay (LISTEN and NOTIFY).
CONNECTIONS_PER_TASK = Settings().db_pool_size + MAX_OVERFLOW + 2


def test_the_task_ceiling_fits_in_the_database_connections() -> None:
    for environment in ("staging", "production"):
        call = module_call(ENVIRONMENTS / environment, "caja")
        # Leave room for maintenance sessions and RDS's own reserved connections.
        assert call["max_tasks"] * CONNECTIONS_PER_TASK <= call["database_max_connections"] - 20
