"""Covering indexes of the as-of-date population report.

The report joins every attachment in force on a date to its person. With both sides read from
narrow indexes ordered by person id, PostgreSQL merges them (two index-only scans, no hash table
spilling to disk) instead of hashing 1,000,000 rows. Written as SQL because the person index
belongs to the `patients` table and the report is this app's concern.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("attachment", "0004_reports"),
        ("patients", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX attachment_report_cover_idx ON attachment_attachment "
            "(person_id, valid_from, valid_to) INCLUDE (organization_id, district_id, ground_id)",
            "DROP INDEX attachment_report_cover_idx",
        ),
        migrations.RunSQL(
            "CREATE INDEX person_report_cover_idx ON patients_person "
            "(id) INCLUDE (birth_date, sex, date_of_death, category)",
            "DROP INDEX person_report_cover_idx",
        ),
    ]
