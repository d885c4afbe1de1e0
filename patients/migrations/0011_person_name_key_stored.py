"""The folded full name as a stored generated column, with the trigram index on it instead of on
the expression: the index's recheck and the ranking read the stored key instead of folding every
candidate again. Adding the column rewrites the table (about a minute per few million persons,
under an exclusive lock)."""

import django.contrib.postgres.indexes
import patients.names
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0010_person_name_search'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='person',
            name='person_name_key_trgm',
        ),
        migrations.AddField(
            model_name='person',
            name='name_key',
            field=models.GeneratedField(db_persist=True, expression=patients.names.PersonNameKey(), output_field=models.TextField()),
        ),
        migrations.AddIndex(
            model_name='person',
            index=django.contrib.postgres.indexes.GinIndex(fields=['name_key'], name='person_name_key_trgm', opclasses=['gin_trgm_ops']),
        ),
    ]
