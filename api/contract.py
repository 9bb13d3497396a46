"""The contract's examples, generated from live data: `flask --app api contract examples`."""

from pathlib import Path

import click
import yaml
from flask import current_app
from flask.cli import AppGroup

from db import ROOT

CONTRACT = ROOT / "openapi.yaml"
MARKER = "  examples:\n"
# name -> (summary, request): each example is the live answer to its request.
EXAMPLES = {
    "DrugPage": ("High-risk drugs, first page of one", "/v1/drugs?risk=high&limit=1"),
    "Drug": ("Anastrozole (Arimidex)", "/v1/drugs/anastrozole"),
    "LookupBrand": ("A brand name", "/v1/lookup?name=Arimidex"),
    "LookupFuzzy": ("A misspelling", "/v1/lookup?name=anastrazole"),
    "LookupRxcui": ("An ingredient RxCUI", "/v1/lookup/rxcui/84857"),
    "LookupAtc": ("A current ATC code", "/v1/lookup/atc/L02BG04"),
    "Search": ("Typing `zol`", "/v1/search?q=zol&limit=5"),
    "ClassPage": ("First class", "/v1/classes?limit=1"),
    "DrugClass": ("Aromatase inhibitors", "/v1/classes/aromatase-inhibitor"),
    "ManagementPage": ("Joint pain strategies, first page of two",
                       "/v1/management?pain_type=joint&limit=2"),
    "Management": ("Acupuncture", "/v1/management/acupuncture"),
    "GuidancePage": ("First topic", "/v1/guidance?limit=1"),
    "Guidance": ("Describing pain", "/v1/guidance/describing-pain"),
    "SourcePage": ("Labels, first page of two", "/v1/sources?kind=label&limit=2"),
    "Source": ("The letrozole label", "/v1/sources/fda-label-letrozole"),
    "Meta": ("The current dataset", "/v1/meta"),
    "CdsDiscovery": ("The CDS Hooks services", "/cds-services"),
    "Ready": ("Ready", "/readyz"),
}


EXAMPLE_BASE = "http://127.0.0.1:8000"  # the public URL the POST examples' links are made with
REF = "#/components/examples/"


def post_examples(spec):
    """Yield (key, path, request example name, request body) of every documented POST."""
    for path, item in spec["paths"].items():
        op = item.get("post")
        if not op or "requestBody" not in op:
            continue
        answers = op["responses"]["200"]["content"]["application/json"]["examples"]
        for name, example in op["requestBody"]["content"]["application/json"]["examples"].items():
            key = answers[name]["$ref"].removeprefix(REF)
            if key.startswith(f"{op['operationId']}."):  # shared answers: made by their owner
                yield key, path, name, example["value"]


def live_examples(client, post_client=None, spec=None):
    """Return {name: example object} answered live for every GET and POST example request."""
    examples = {}
    for name, (summary, url) in EXAMPLES.items():
        response = client.get(url)
        if response.status_code != 200:
            raise click.ClickException(f"{url} answered {response.status_code}")
        examples[name] = {"summary": summary, "x-request": url, "value": response.get_json()}
    old = (spec or {}).get("components", {}).get("examples", {})
    for key, path, name, body in post_examples(spec or {"paths": {}}):
        response = post_client.post(path, json=body)
        if response.status_code != 200:
            raise click.ClickException(f"POST {path} ({name}) answered {response.status_code}")
        summary = old.get(key, {}).get("summary", name)
        examples[key] = {"summary": summary, "x-post": f"{path} ({name})",
                         "value": response.get_json()}
    return examples


def write_examples(examples, path=CONTRACT):
    """Replace the examples block at the end of the contract."""
    text = Path(path).read_text()
    head = text[: text.rindex(MARKER) + len(MARKER)]
    lines = [line for line in text[len(head) - len(MARKER):].splitlines()[1:]
             if line.startswith("    #")]
    body = yaml.safe_dump(examples, sort_keys=False, allow_unicode=True, width=96)
    block = "".join(f"    {line}\n" for line in body.splitlines())
    Path(path).write_text(head + "\n".join(lines) + ("\n" if lines else "") + block)


contract_cli = AppGroup("contract", help="Maintain openapi.yaml.")


@contract_cli.command("examples")
def examples_command():
    """Regenerate the contract's response examples (GET and POST) from the current database."""
    from api import create_app  # a second app whose links use the examples' public URL

    spec = yaml.safe_load(CONTRACT.read_text())
    public = create_app({"DATABASE": current_app.config["DATABASE"], "PUBLIC_URL": EXAMPLE_BASE,
                         "ACCESS_LOG": False, "CHECK_DATABASE": False})
    examples = live_examples(current_app.test_client(), public.test_client(), spec)
    write_examples(examples)
    click.echo(f"wrote {len(examples)} examples to {CONTRACT}", err=True)
