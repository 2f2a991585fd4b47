.DEFAULT_GOAL := help
.PHONY: help demo serve test lint format bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

demo: ## Set up everything and run the demo on http://127.0.0.1:8000 (SQLite)
	bin/demo

serve: ## Try the production layout locally: gunicorn pools + workers on PostgreSQL and Redis (not for real production)
	bin/serve

test: ## Run the whole test suite (PostgreSQL when DATABASE_URL is set, else SQLite)
	bin/test

lint: ## ruff check + format check
	bin/bootstrap && .venv/bin/ruff check . && .venv/bin/ruff format --check .

format: ## Format the code with ruff
	bin/bootstrap && .venv/bin/ruff format . && .venv/bin/ruff check --fix .

bench: ## Run every benchmark of bench/ (PostgreSQL: set DATABASE_URL)
	bin/bootstrap && for b in bench/*; do [ -x "$$b" ] && "$$b"; done
