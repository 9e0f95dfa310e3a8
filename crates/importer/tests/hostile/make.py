#!/usr/bin/env python3
"""Writes the hostile-file corpus beside this script: files that once took the server down or
that a careless reader would choke on. Each must get a clear error in bounded time and memory
(crates/importer/tests/hostile.rs, crates/web/tests/http.rs, crates/cli/tests/hostile.rs).
Run it again only to change the corpus; the files are committed."""
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"""
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>Mã đơn vị</t></is></c><c r="B1" t="inlineStr"><is><t>Từ năm</t></is></c><c r="C1" t="inlineStr"><is><t>Tên nhiệm vụ</t></is></c></row>'


def sheet(rows, dimension=None):
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {NS}>{dim}<sheetData>{rows}</sheetData></worksheet>'


def strings(items):
    body = "".join(f"<si><t>{s}</t></si>" for s in items)
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst {NS} count="{len(items)}" uniqueCount="{len(items)}">{body}</sst>'


def xlsx(name, sheet_xml, shared=None, chunks=None):
    """Writes an .xlsx; `chunks` streams a huge part as (part name, iterator of str) so that the
    generator itself never holds it in memory."""
    with zipfile.ZipFile(os.path.join(HERE, name), "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        big = dict(chunks or [])
        for part, text in [("xl/worksheets/sheet1.xml", sheet_xml), ("xl/sharedStrings.xml", shared or strings([]))]:
            if part in big:
                with z.open(part, "w", force_zip64=True) as f:
                    for chunk in big[part]:
                        f.write(chunk.encode())
            else:
                z.writestr(part, text)


def repeat(head, unit, count, tail):
    yield head
    block = unit * 100_000
    for _ in range(count // 100_000):
        yield block
    yield tail


# Two cells at A1 and XFD1048576: a dense reader allocates 17 billion cells (and aborts).
xlsx("sparse.xlsx", sheet(HEADER + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', "A1:XFD1048576"))
# The same without the <dimension> that claims it: only the cells give it away.
xlsx("sparse-undeclared.xlsx", sheet(HEADER + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))
# More rows than any sheet program writes (the row number is all it takes).
xlsx("far-row.xlsx", sheet(HEADER + '<row r="9000000"><c r="A9000000"><v>1</v></c></row>'))
# One cell of 1 GiB of text: a zip bomb of about 1 MB.
head = sheet(HEADER + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>')
xlsx("bomb-cell.xlsx", head, chunks=[("xl/sharedStrings.xml", repeat(f'<?xml version="1.0"?>\n<sst {NS} count="1" uniqueCount="1"><si><t>', "a" * 1024, 1 << 20, "</t></si></sst>"))])
# 1 GiB of whitespace between two tags: the XML reader buffers it whole.
xlsx("bomb-whitespace.xlsx", None, chunks=[("xl/worksheets/sheet1.xml", repeat(f'<?xml version="1.0"?>\n<worksheet {NS}><sheetData>' + HEADER, " " * 1024, 1 << 20, "</sheetData></worksheet>"))])
# 40 million tiny shared strings (680 MB of genuine-looking XML): past the limit of one part.
xlsx("bomb-strings.xlsx", head, chunks=[("xl/sharedStrings.xml", repeat(f'<?xml version="1.0"?>\n<sst {NS}>', "<si><t>x</t></si>", 40_000_000, "</sst>"))])
# A cell of 40.000 characters: longer than Excel itself allows.
xlsx("long-cell.xlsx", sheet(HEADER + f'<row r="2"><c r="A2" t="inlineStr"><is><t>K1</t></is></c><c r="B2"><v>2025</v></c><c r="C2" t="inlineStr"><is><t>{"ư" * 40_000}</t></is></c></row>'))
# Formulas: their cached values are read as text, never evaluated; an error value is reported.
xlsx("formulas.xlsx", sheet(HEADER + '<row r="2"><c r="A2" t="str"><f>CONCAT("K","1")</f><v>=cmd|\' /C calc\'!A0</v></c><c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="C2" t="str"><f>HYPERLINK("http://evil.example","x")</f><v>x</v></c></row>'))

with open(os.path.join(HERE, "sparse.xlsx"), "rb") as f:
    whole = f.read()
# Cut in half: the central directory is gone.
with open(os.path.join(HERE, "truncated.xlsx"), "wb") as f:
    f.write(whole[: len(whole) // 2])
# Not an archive at all.
with open(os.path.join(HERE, "not-a-zip.xlsx"), "wb") as f:
    f.write(b"Ma don vi,Tu nam,Ten nhiem vu\nK1,2025,x\n")
# CSV in UTF-16 (what some programs call "Unicode text") and in a legacy 8-bit encoding.
with open(os.path.join(HERE, "utf16.csv"), "wb") as f:
    f.write("Mã đơn vị,Từ năm,Tên nhiệm vụ\nK1,2025,Nhiệm vụ\n".encode("utf-16"))
with open(os.path.join(HERE, "cp1258.csv"), "wb") as f:
    f.write("Ma don vi,Tu nam,Ten nhiem vu\nK1,2025,Nhi\u1ec7m v\u1ee5\n".encode("utf-8").replace(b"\xe1\xbb\x87", b"\xea\xf2"))
# A CSV cell of 40.000 characters, and a row of 100.000 columns.
with open(os.path.join(HERE, "long-cell.csv"), "w", encoding="utf-8") as f:
    f.write("Mã đơn vị,Từ năm,Tên nhiệm vụ\nK1,2025," + "ư" * 40_000 + "\n")
with open(os.path.join(HERE, "wide.csv"), "w", encoding="utf-8") as f:
    f.write("Mã đơn vị,Từ năm,Tên nhiệm vụ\nK1,2025,x" + ",x" * 100_000 + "\n")
