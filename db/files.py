"""Read the knowledge base's YAML files through a schema; errors name the file and the field."""

from pathlib import Path

import yaml
from marshmallow import ValidationError


class ContentError(Exception):
    """A content file is invalid; the message names the file and the field."""


class _Loader(yaml.SafeLoader):
    """YAML loader that keeps dates as strings, so they validate like any text."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _flatten(messages, prefix=""):
    """Yield "field.path: message" lines from marshmallow's nested error dict."""
    for key, value in messages.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            yield from _flatten(value, path)
        else:
            yield f"{path}: {' '.join(map(str, value))}"


def read_yaml(path, base):
    """Parse one YAML file; raise ContentError naming it."""
    name = Path(path).relative_to(base).as_posix()
    try:
        return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except OSError as exc:
        raise ContentError(f"{name}: cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ContentError(f"{name}: not valid YAML: {exc}") from exc


def load_file(path, schema, base, many=False):
    """Parse one YAML file and validate it; raise ContentError naming the file and field."""
    raw = read_yaml(path, base)
    try:
        return schema.load(raw, many=many)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
        name = Path(path).relative_to(base).as_posix()
        raise ContentError(f"{name}: " + "; ".join(_flatten(messages))) from exc


def list_files(base, name):
    """Return `<name>.yaml` (if present) and every `<name>/*.yaml`, in a stable order."""
    base = Path(base)
    single = base / f"{name}.yaml"
    return ([single] if single.is_file() else []) + sorted((base / name).glob("*.yaml"))


class Collector:
    """Run loads that may fail: raise at once, or (for the audit) keep every error and go on."""

    def __init__(self, keep_going=False):
        self.keep_going, self.errors = keep_going, []

    def run(self, load, *args, default=None):
        """Return load(*args); on ContentError raise it, or record it and return default."""
        try:
            return load(*args)
        except ContentError as exc:
            if not self.keep_going:
                raise
            self.errors.append(str(exc))
            return default
