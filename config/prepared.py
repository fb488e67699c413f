"""Queries compiled to SQL once and run again with new values.

On the pages every request serves, building a query's SQL through the ORM costs far more than
running it: 1 to 3 ms for the user with their access status or the lesson visit's enrolment
with its annotations, against a tenth of a millisecond in SQLite or PostgreSQL. A
`PreparedQuery` builds its queryset once per database with marker values for its integer
parameters, notes where each marker lands among the SQL parameters, and from then on runs the
same SQL with the real values, returning model instances as the queryset would (fields
converted by the same converters, annotations set).

Only for querysets of one model without select_related whose parameters are integers (primary
keys) or, when named in `strings`, text compared for equality (`field=value`, `field__in=[...]`):
a marker must reach the SQL parameters unchanged, so a lookup that rewrites its value (LIKE
patterns, case folding) cannot be prepared and is refused. tests/config/test_prepared_queries.py
checks each prepared query against its queryset.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

# Far outside any primary key, and distinct per parameter.
_MARKER = -(2**62)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    slots: tuple  # per SQL parameter: ("value", name) or ("constant", value)
    model: type[Model]
    init_list: list[str]
    fields: slice
    annotations: dict[str, int]
    converters: dict  # {column position: ([converter functions], expression)}


class PreparedQuery:
    def __init__(self, build: Callable[..., QuerySet], *, strings: tuple[str, ...] = ()):
        self._build = build
        self._names = list(inspect.signature(build).parameters)
        self._strings = frozenset(strings)
        if not self._strings <= set(self._names):
            raise TypeError(f"strings {sorted(self._strings)} must name parameters {self._names}.")
        self._compiled: dict[str, _Compiled] = {}

    def __call__(self, *, using: str = DEFAULT_DB_ALIAS, **values: int | str) -> list[Model]:
        if set(values) != set(self._names):
            raise TypeError(f"Expected the values {self._names}, got {sorted(values)}.")
        for name, value in values.items():
            expected = str if name in self._strings else int
            if type(value) is not expected:
                raise TypeError(f"{name} must be {expected.__name__}, not {type(value).__name__}.")
        compiled = self._compiled.get(using) or self._compile(using)
        params = [values[item] if kind == "value" else item for kind, item in compiled.slots]
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        found = []
        for row in rows:
            if compiled.converters:  # as SQLCompiler.apply_converters, on this connection
                row = list(row)
                for position, (functions, expression) in compiled.converters.items():
                    for convert in functions:
                        row[position] = convert(row[position], expression, connection)
            instance = compiled.model.from_db(using, compiled.init_list, row[compiled.fields])
            for name, position in compiled.annotations.items():
                setattr(instance, name, row[position])
            found.append(instance)
        return found

    def _compile(self, using: str) -> _Compiled:
        markers = {
            # Text no value holds (NUL is refused by PostgreSQL), distinct per parameter.
            name: f"\x00prepared:{name}\x00" if name in self._strings else _MARKER - n
            for n, name in enumerate(self._names)
        }
        by_marker = {(type(marker), marker): name for name, marker in markers.items()}
        compiler = self._build(**markers).query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = tuple(
            ("value", by_marker[(type(p), p)]) if (type(p), p) in by_marker else ("constant", p)
            for p in params
        )
        unplaced = set(self._names) - {item for kind, item in slots if kind == "value"}
        if unplaced:
            raise ImproperlyConfigured(f"Parameters {sorted(unplaced)} did not reach the SQL.")
        klass_info = compiler.klass_info
        if klass_info.get("related_klass_infos"):
            raise ImproperlyConfigured("A prepared query cannot follow select_related.")
        select = compiler.select
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        compiled = _Compiled(
            sql=sql,
            slots=slots,
            model=klass_info["model"],
            init_list=[column[0].target.attname for column in select[start:end]],
            fields=slice(start, end),
            annotations=dict(compiler.annotation_col_map),
            converters=compiler.get_converters([column[0] for column in select]),
        )
        self._compiled[using] = compiled
        return compiled
