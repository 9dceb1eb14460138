"""Open311 GeoReport v2 as a client sees it (issue 17, item 1): every JSON answer validated against the published
JSON schemas (../shared/open311-schemas), every XML answer against the spec's element names, a request filed with
a real api_key over HTTP and read back in both formats, and the spec's errors."""
import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import requests
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from conftest import ROOT, SERVER_ENV

SCHEMAS = ROOT.parent / "shared" / "open311-schemas"
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")

# The spec's element names (wiki.open311.org/GeoReport_v2), per answer.
SERVICE = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
REQUEST = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible",
           "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
           "lat", "long", "media_url"}
ATTRIBUTE = {"variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"}


def _schemas():
    resources = {}
    for path in SCHEMAS.glob("*.json"):
        contents = json.loads(path.read_text())
        resources[path.name] = Resource.from_contents(contents, default_specification=DRAFT202012)
    return Registry().with_resources(resources.items())


REGISTRY = _schemas()


def validate(instance, schema_name):
    schema = json.loads((SCHEMAS / schema_name).read_text())
    jsonschema.Draft202012Validator(schema, registry=REGISTRY, format_checker=jsonschema.FormatChecker()).validate(instance)


def api_key(scopes="open311"):
    binary = os.environ.get("LAYAN_BIN", str(ROOT / ".build/debug/layan"))
    return subprocess.run([binary, "token", "create", "--name", "Aplikasi Aduan Bandar", "--scope", scopes, "--log", "error"], cwd=ROOT,
                          env=SERVER_ENV, check=True, capture_output=True, text=True, timeout=120).stdout.strip().splitlines()[-1]


def xml(response):
    assert response.headers["Content-Type"].startswith("text/xml")
    assert response.text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def test_services_and_their_definitions_validate_in_both_formats(server):
    # when
    services = requests.get(f"{server}/open311/v2/services.json", timeout=5)
    # then
    assert services.status_code == 200 and services.headers["Content-Type"].startswith("application/json")
    validate(services.json(), "services.json")
    codes = [s["service_code"] for s in services.json()]
    assert "PREMIS-TANPA-LESEN" in codes and "IKLAN-HARAM" in codes
    root = xml(requests.get(f"{server}/open311/v2/services.xml", timeout=5))
    assert root.tag == "services"
    for service in root:
        assert service.tag == "service" and {child.tag for child in service} <= SERVICE
    for code in codes:
        definition = requests.get(f"{server}/open311/v2/services/{code}.json", timeout=5)
        validate(definition.json(), "service-definition.json")
        root = xml(requests.get(f"{server}/open311/v2/services/{code}.xml", timeout=5))
        assert root.tag == "service_definition" and root.find("service_code").text == code
        for attribute in root.find("attributes"):
            assert attribute.tag == "attribute" and {child.tag for child in attribute} <= ATTRIBUTE


def test_a_request_filed_with_an_api_key_reads_back_in_both_formats(server):
    # given
    key = api_key()
    # when
    filed = requests.post(f"{server}/open311/v2/requests.json", data={
        "api_key": key, "service_code": "IKLAN-HARAM", "lat": "2.9264", "long": "101.6964", "attribute[bentuk]": "poster",
        "description": "Poster <b>pinjaman</b> ditampal pada tiang lampu.", "email": "pelapor@example.my", "first_name": "Aina"}, timeout=10)
    # then
    assert filed.status_code == 200, filed.text
    reference = filed.json()[0]["service_request_id"]
    one = requests.get(f"{server}/open311/v2/requests/{reference}.json", timeout=5)
    validate(one.json(), "requests.json")
    request = one.json()[0]
    assert request["status"] == "open" and request["service_code"] == "IKLAN-HARAM"
    assert request["description"] == "Poster <b>pinjaman</b> ditampal pada tiang lampu."
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C.match(request[field]), request[field]
    root = xml(requests.get(f"{server}/open311/v2/requests/{reference}.xml", timeout=5))
    assert root.tag == "service_requests"
    element = root.find("request")
    assert {child.tag for child in element} <= REQUEST
    assert element.find("description").text == "Poster <b>pinjaman</b> ditampal pada tiang lampu."
    token = filed.json()[0]["token"]
    assert requests.get(f"{server}/open311/v2/tokens/{token}.json", timeout=5).json()[0]["service_request_id"] == reference


def test_the_request_list_validates_and_keeps_the_spec_window(server):
    # when
    listed = requests.get(f"{server}/open311/v2/requests.json", timeout=5)
    too_long = requests.get(f"{server}/open311/v2/requests.xml",
                            params={"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-12-01T00:00:00+08:00"}, timeout=5)
    # then
    assert listed.status_code == 200
    validate(listed.json(), "requests.json")
    assert len(listed.json()) >= 3
    assert too_long.status_code == 400
    root = xml(too_long)
    assert root.tag == "errors" and root.find("error/code").text == "400"


@pytest.mark.parametrize("form, status", [
    ({"service_code": "IKLAN-HARAM", "lat": "2.9", "long": "101.6", "attribute[bentuk]": "poster"}, 403),
    ({"api_key": "layan_salah", "service_code": "IKLAN-HARAM", "lat": "2.9", "long": "101.6", "attribute[bentuk]": "poster"}, 403),
    ({"service_code": "TIADA", "lat": "2.9", "long": "101.6"}, 400),
    ({"service_code": "IKLAN-HARAM", "attribute[bentuk]": "poster"}, 400),
    ({"service_code": "IKLAN-HARAM", "lat": "2.9", "long": "101.6", "attribute[bentuk]": "lukisan"}, 400),
])
def test_refusals_are_the_specs_errors_and_store_nothing(server, form, status):
    # given
    if status != 403:
        form = dict(form, api_key=api_key())
    before = len(requests.get(f"{server}/open311/v2/requests.json", timeout=5).json())
    # when
    answer = requests.post(f"{server}/open311/v2/requests.json", data=form, timeout=10)
    # then
    assert answer.status_code == status, answer.text
    errors = answer.json()
    assert isinstance(errors, list) and errors[0]["code"] == status and errors[0]["description"]
    assert len(requests.get(f"{server}/open311/v2/requests.json", timeout=5).json()) == before
