"""Database helpers any app may use."""

from django.db.models import Value


def bulk_create_json(model, objs: list, json_fields: tuple[str, ...]) -> None:
    """`model.objects.bulk_create(objs, batch_size=1000)`, storing the same values faster.

    On PostgreSQL Django 5.2 sends a bulk insert as one array per column (`UNNEST`), and
    psycopg quotes every JSON document of such an array with a regular expression in Python:
    that quoting took about a third of a re-score. A value given as an expression makes
    Django use a plain `VALUES` list, where each document is one ordinary parameter (the
    same jsonb is stored). The instances get their plain values back afterwards.
    """
    fields = [model._meta.get_field(name) for name in json_fields]
    plain = [[getattr(obj, f.attname) for f in fields] for obj in objs]
    for obj, values in zip(objs, plain, strict=True):
        for f, value in zip(fields, values, strict=True):
            setattr(obj, f.attname, Value(value, output_field=f))
    try:
        model.objects.bulk_create(objs, batch_size=1000)
    finally:
        for obj, values in zip(objs, plain, strict=True):
            for f, value in zip(fields, values, strict=True):
                setattr(obj, f.attname, value)
