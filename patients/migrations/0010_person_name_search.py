"""Name search on one folded form of the full name (patients/names.py): pg_trgm, the
`name_fold` and `person_name_key` functions, a GIN trigram index on the key; the two upper-case
prefix indexes, which no query used, are dropped."""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

import patients.names

# IMMUTABLE, so that an index may be built on it; the query calls the very same function.
NAME_FOLD = r"""
CREATE OR REPLACE FUNCTION name_fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN trim(regexp_replace(regexp_replace(
    replace(translate(
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
            translate(upper(value),
                      'ӘҒҚҢӨҰҮҺІЁЭЙЫÄÖÜŪĞÑİÝÉÁÀÂÓÍÚ-''’ЪЬ',
                      'АГКНОУУХИЕЕИИAOUUGNIIEAAAOIU   '),
            'Щ', 'SHCH'), 'Ж', 'ZH'), 'Х', 'H'), 'Ц', 'TS'), 'Ч', 'CH'), 'Ш', 'SH'),
            'Ю', 'IU'), 'Я', 'IA'), 'Ş', 'SH'), 'Ç', 'CH'), 'KH', 'H'), 'J', 'ZH'),
        'АБВГДЕЗИКЛМНОПРСТУФYQ', 'ABVGDEZIKLMNOPRSTUFIK'),
    'IE', 'E'),
    '[^A-Z0-9 ]', '', 'g'), ' +', ' ', 'g'));

CREATE OR REPLACE FUNCTION person_name_key(last_name text, first_name text, middle_name text)
    RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN name_fold(last_name || ' ' || first_name || ' ' || middle_name);
"""

DROP = """
DROP FUNCTION IF EXISTS person_name_key(text, text, text);
DROP FUNCTION IF EXISTS name_fold(text);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0009_person_access_log_lists_and_address'),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunSQL(NAME_FOLD, DROP),
        migrations.RemoveIndex(
            model_name='person',
            name='person_last_name_upper_idx',
        ),
        migrations.RemoveIndex(
            model_name='person',
            name='person_first_name_upper_idx',
        ),
        migrations.AddIndex(
            model_name='person',
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(patients.names.PersonNameKey(), name='gin_trgm_ops'),
                name='person_name_key_trgm',
            ),
        ),
    ]
