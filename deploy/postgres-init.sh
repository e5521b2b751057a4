#!/bin/sh
# Creates the restricted login role the app and worker connect as (DATABASE_URL). The owner role
# (POSTGRES_USER, from the image) runs migrations; migrations grant this role its table rights
# (src/database/roles.ts). This role can't create databases or roles, isn't a superuser and is
# subject to row-level security.
#
# The postgres image runs this once, when it initialises an empty data volume. It is idempotent:
# to (re)apply it to an existing database, or after changing APP_DB_PASSWORD:
#   docker compose exec postgres sh /docker-entrypoint-initdb.d/10-app-role.sh
set -eu

: "${APP_DB_PASSWORD:?APP_DB_PASSWORD must be set for the postgres service}"
: "${POSTGRES_USER:?}"
: "${POSTGRES_DB:?}"

# psql does not expand :variables inside a dollar-quoted DO body, so the password travels in a
# session setting. Nothing here echoes it: SET prints only "SET".
psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet \
  --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_password="$APP_DB_PASSWORD" -v dbname="$POSTGRES_DB" <<'SQL'
SET anlaufstelle.app_password TO :'app_password';
DO $$
DECLARE
  pw text := current_setting('anlaufstelle.app_password');
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'anlaufstelle_app') THEN
    EXECUTE format('CREATE ROLE anlaufstelle_app LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION NOINHERIT', pw);
  ELSE
    EXECUTE format('ALTER ROLE anlaufstelle_app LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION NOINHERIT', pw);
  END IF;
END
$$;
RESET anlaufstelle.app_password;
-- Only the owner and the app role may connect to the application database.
REVOKE ALL ON DATABASE :"dbname" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"dbname" TO anlaufstelle_app;
SQL
