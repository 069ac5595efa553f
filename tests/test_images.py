"""Chart images on the server: kaleido in Debian's Chromium, one shared renderer, PNG and SVG as on screen.

All image tests run on one xdist worker (group "chromium"), so the suite starts one browser per worker at most.
"""

from __future__ import annotations

import io
import json
import struct
import threading

import pandas as pd
import pytest
from PIL import Image

from monitor import charts, geo, images
from tests.conftest import SHARED

pytestmark = pytest.mark.xdist_group("chromium")

KREISE_WGS84 = SHARED / "geo" / "kreise_2023-12-31_wgs84_simplified.geojson"


def trend(is_demo: bool = True, title: str = "Schutzplätze – Osnabrück, Q2 2025"):
    df = pd.DataFrame({"Schutzplätze": [20, 22, "< 3", 24]}, index=["2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2"])
    return charts.trend_chart(df, title=title, subtitle="Plätze (Betten) für Frauen und Kinder", unit="Plätze",
                              source="IK-Monitor, Meldungen: Schutzunterkünfte", stand="2025-07-15", is_demo=is_demo,
                              target=41.4, target_label="Soll")


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def ink(png: bytes) -> float:
    """Share of pixels that are not (nearly) white."""
    img = Image.open(io.BytesIO(png)).convert("L")
    hist = img.histogram()
    return 1 - sum(hist[245:]) / (img.width * img.height)


def has_colour(png: bytes, rgb: tuple[int, int, int], tolerance: int = 12) -> bool:
    img = Image.open(io.BytesIO(png)).convert("RGB")
    return any(all(abs(a - b) <= tolerance for a, b in zip(px, rgb)) for _, px in img.getcolors(1 << 20))


@pytest.fixture(scope="module")
def renderer():
    r = images.renderer()
    r.start()
    return r


def test_browser_is_debians_chromium_unless_set(monkeypatch, tmp_path):
    monkeypatch.delenv(images.BROWSER_ENV, raising=False)
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    assert images.browser_path() == "/usr/bin/chromium"
    monkeypatch.setenv(images.BROWSER_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(images.RendererUnavailable, match="IK_MONITOR_CHROMIUM"):
        images.browser_path()


def test_renderer_page_loads_nothing_from_the_internet():
    import kaleido

    page = kaleido.PageGenerator(mathjax=False).generate_index()
    assert "http://" not in page and "https://" not in page
    assert images._topojson_url().startswith("file://")
    assert (images.TOPOJSON_DIR / "world_110m.json").is_file()


def test_png_has_the_figures_size_at_double_scale(renderer):
    fig = trend()
    png = images.to_png(fig)
    assert png_size(png) == (images.DEFAULT_WIDTH * 2, (fig.layout.height + images.TOP_MARGIN_PX) * 2)
    assert images.png_size(png) == png_size(png)
    assert ink(png) > 0.03
    assert has_colour(png, (0xD5, 0x5E, 0x00)), "the orange DEMODATEN tag is in the picture"
    assert not has_colour(images.to_png(trend(is_demo=False)), (0xD5, 0x5E, 0x00))


def first_ink_row(png: bytes) -> int:
    img = Image.open(io.BytesIO(png)).convert("L")
    for y in range(img.height):
        if img.crop((0, y, img.width, y + 1)).getextrema()[0] < 160:
            return y
    return img.height


def test_the_title_keeps_a_margin_to_the_top_edge(renderer):
    fig = trend(is_demo=False)
    png = images.to_png(fig, scale=1)
    # the figure on the page keeps its own layout: only the image gets the room above the title
    assert fig.layout.margin.t == trend(is_demo=False).layout.margin.t
    assert first_ink_row(png) >= images.TOP_MARGIN_PX + 4, "room above the title"
    assert first_ink_row(png) <= images.TOP_MARGIN_PX + 30, "the title is still at the top"
    # a size asked for is kept: the plot gives way
    tile = images.to_image(fig, "png", width=1200, height=675, scale=1)
    assert png_size(tile) == (1200, 675) and first_ink_row(tile) >= images.TOP_MARGIN_PX + 4


def test_svg_carries_title_source_stand_and_demo_mark(renderer):
    svg = images.to_svg(trend()).decode("utf-8")
    assert svg.startswith("<svg")
    for text in ("Schutzplätze – Osnabrück, Q2", "Quelle: IK-Monitor, Meldungen: Schutzunterkünfte",
                 "Stand: 15.07.2025", "DEMODATEN", "Soll", "&#60; 3"):
        assert text in svg, text
    assert "Demodaten" not in images.to_svg(trend(is_demo=False)).decode("utf-8")


def test_width_and_height_can_be_set(renderer):
    png = images.to_image(trend(), "png", width=1200, height=675, scale=1)
    assert png_size(png) == (1200, 675)


def test_map_renders_offline_from_the_local_topojson_stub(renderer):
    shapes = json.loads(KREISE_WGS84.read_text(encoding="utf-8"))
    land = geo.subset(shapes, land="03")
    df = pd.DataFrame({"ags": [f["properties"]["ags"] for f in land["features"]]})
    df["name"] = df["ags"]
    df["v"] = range(len(df))
    fig = charts.choropleth(land, df, value="v", title="Karte", source="Test", stand="2025-07-15")
    png = images.to_png(fig, width=600, scale=1)
    assert ink(png) > 0.2, "the Kreise are drawn, not a blank map"


def test_one_shared_renderer_serves_several_threads_at_once(renderer):
    starts = renderer.starts
    figs = [trend(title=f"Diagramm {i}") for i in range(6)]
    out: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            out[i] = images.to_svg(figs[i])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(figs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    # every thread got its own figure back, not a neighbour's
    assert all(f"Diagramm {i}" in out[i].decode("utf-8") for i in range(len(figs)))
    assert images.renderer() is renderer and renderer.starts == starts


def test_render_many_keeps_the_order(renderer):
    figs = [trend(title=f"Reihe {i}") for i in range(3)]
    svgs = renderer.render_many(figs, "svg")
    assert [f"Reihe {i}" in s.decode("utf-8") for i, s in enumerate(svgs)] == [True] * 3
    with pytest.raises(ValueError):
        renderer.render(figs[0], "gif")


def test_a_crashed_browser_is_restarted(renderer):
    starts = renderer.starts
    renderer._kaleido.subprocess.kill()
    renderer._kaleido.subprocess.wait(10)
    assert png_size(images.to_png(trend(), scale=1))[0] == images.DEFAULT_WIDTH
    assert renderer.starts == starts + 1 and renderer.running


def test_missing_browser_is_reported_in_german():
    broken = images.Renderer(path="/nonexistent/chromium")
    with pytest.raises(images.RendererUnavailable, match="ließ sich nicht starten"):
        broken.render(trend())
