terraform {
  required_version = ">= 1.9.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.6"
    }
  }

  # Bootstrap: this configuration creates the state bucket and the lock table, so its own state
  # starts local. After the first apply, move it into the bucket it made (docs/deploy.md):
  #   terraform init -migrate-state -backend-config="bucket=<state_bucket>" (after uncommenting)
  # backend "s3" {
  #   key            = "caja/shared/terraform.tfstate"
  #   region         = "eu-central-1"
  #   encrypt        = true
  #   dynamodb_table = "caja-terraform-locks"
  # }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Project     = "caja"
      Environment = "shared"
      ManagedBy   = "terraform"
    }
  }
}
