"""The report downloads offered on a unit's profile page."""

import io
import zipfile

import openpyxl
import pytest

pytestmark = pytest.mark.django_db


def download(client, url):
    """The link starts a job; its page (for the same browser, signed in or not) offers the file."""
    started = client.get(url)
    assert started.status_code == 302 and started.url.startswith("/viec/")
    page = client.get(started.url)
    assert page.context["job"].state == "done", page.context["job"].error
    link = started.url + "tep/"
    assert f'href="{link}"' in page.content.decode()
    return client.get(link)


def test_conference_report_downloads(client):
    response = download(client, "/ket-qua/papi/2021/58/bao-cao.docx")
    assert response.status_code == 200
    document = (
        zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).read("word/document.xml").decode()
    )
    assert "Ninh Thuận" in document and "43,83/80" in document
    response = download(client, "/ket-qua/papi/2021/58/bao-cao.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(workbook.sheetnames) >= 3
    assert client.get("/ket-qua/papi/2021/58/bao-cao.exe").status_code == 404
    assert client.get("/ket-qua/papi/2021/99/bao-cao.docx").status_code == 404


def test_profile_page_links_to_the_downloads_under_their_old_paths(client):
    page = client.get("/ket-qua/papi/2021/58/").content.decode()
    assert 'href="/ket-qua/papi/2021/58/bao-cao.docx"' in page
    assert 'href="/ket-qua/papi/2021/58/bao-cao.xlsx"' in page


def test_another_browser_cannot_fetch_the_report_of_a_job_it_did_not_start(client):
    from django.test import Client

    started = client.get("/ket-qua/papi/2021/58/bao-cao.docx")
    assert Client().get(started.url + "tep/").status_code == 403
