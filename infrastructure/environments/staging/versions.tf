terraform {
  required_version = ">= 1.9.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.6"
    }
  }

  # Remote state in the bucket made by infrastructure/shared, locked in its DynamoDB table.
  # The bucket name is per account, so it is given at init time:
  #   terraform init -backend-config="bucket=<state_bucket output of shared>"
  backend "s3" {
    key            = "caja/staging/terraform.tfstate"
    region         = "eu-central-1"
    encrypt        = true
    dynamodb_table = "caja-terraform-locks"
  }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Project     = "caja"
      Environment = "staging"
      ManagedBy   = "terraform"
    }
  }
}
