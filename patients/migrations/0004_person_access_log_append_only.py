# The person access log is append-only in the database itself: no UPDATE, no DELETE of a row.
# (TRUNCATE, which needs the table owner, stays possible: the test runner empties tables with it.)

from django.db import migrations

FORWARD = """
CREATE FUNCTION patients_personaccesslog_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the person access log is append-only (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER personaccesslog_append_only
    BEFORE UPDATE OR DELETE ON patients_personaccesslog
    FOR EACH ROW EXECUTE FUNCTION patients_personaccesslog_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS personaccesslog_append_only ON patients_personaccesslog;
DROP FUNCTION IF EXISTS patients_personaccesslog_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0003_person_name_validators"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
