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
    "Meta": ("The current dataset", "/v1/meta"),
    "CdsDiscovery": ("The CDS Hooks services", "/cds-services"),
    "Ready": ("Ready", "/readyz"),
}


def live_examples(client):
    """Return {name: example object} answered by client for every example request."""
    examples = {}
    for name, (summary, url) in EXAMPLES.items():
        response = client.get(url)
        if response.status_code != 200:
            raise click.ClickException(f"{url} answered {response.status_code}")
        examples[name] = {"summary": summary, "x-request": url, "value": response.get_json()}
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
    """Regenerate the contract's response examples from the current database."""
    examples = live_examples(current_app.test_client())
    write_examples(examples)
    click.echo(f"wrote {len(examples)} examples to {CONTRACT}", err=True)
