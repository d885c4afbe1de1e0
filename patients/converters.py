"""Path converters the apps' URL patterns share (registered in config/urls.py)."""

# PostgreSQL's bigint, the type of every primary key here.
BIGINT_MAX = 2**63 - 1


class IdConverter:
    """A row id: digits within bigint. A longer or larger number is a page that does not exist
    (Django answers 404 to the ValueError) before any query is made with it."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > BIGINT_MAX:
            raise ValueError(f"{value} is beyond the range of ids")
        return number

    def to_url(self, value) -> str:
        return str(int(value))
