"""Makes the README's pictures from the committed tutorials' outputs, so they show what the product draws:
docs/images/heap-map.svg is a heap map exactly as `#!heap map` rendered it in notebook 06, and
docs/images/pauses.png redraws (with matplotlib, from the same figure data) the Plotly pause chart of
notebook 03, since a Plotly figure needs a browser to become an image.

Run with /usr/bin/python3 (Debian's matplotlib) after scripts/refresh-notebooks.sh."""
import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

repo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
images = os.path.join(repo, "docs", "images")


def output_of(notebook, source_start, mime):
    with open(os.path.join(repo, "notebooks", notebook), encoding="utf-8") as file:
        cells = json.load(file)["cells"]
    for cell in cells:
        if cell["cell_type"] == "code" and "".join(cell["source"]).startswith(source_start):
            for output in cell["outputs"]:
                if mime in output.get("data", {}):
                    value = output["data"][mime]
                    return "".join(value) if isinstance(value, list) else value
    raise SystemExit(f"no {mime} output in a cell of {notebook} starting {source_start!r}")


def heap_map():
    svg = output_of("06-fragmentation-and-compaction.ipynb", "#!heap map", "image/svg+xml")
    with open(os.path.join(images, "heap-map.svg"), "w", encoding="utf-8", newline="\n") as file:
        file.write(svg)


def pause_chart():
    figure = output_of("03-generational.ipynb", "#!heap new --collector generational --nursery 1MiB", "application/vnd.plotly.v1+json")
    layout = figure["layout"]
    order = layout["xaxis"]["categoryarray"]
    position = {category: index for index, category in enumerate(order)}
    bottoms = [0.0] * len(order)
    fig, axes = plt.subplots(figsize=(layout.get("width", 760) / 100, layout.get("height", 380) / 100), dpi=100)
    for trace in figure["data"]:
        xs = [position[x] for x in trace["x"]]
        base = [bottoms[x] for x in xs]
        hatch = "///" if trace["marker"].get("pattern", {}).get("shape") == "/" else None
        axes.bar(xs, trace["y"], bottom=base, color=trace["marker"]["color"], hatch=hatch, label=trace["name"], width=0.8, edgecolor="white", linewidth=0.3)
        for x, y in zip(xs, trace["y"]):
            bottoms[x] += y
    step = max(1, len(order) // 12)
    axes.set_xticks(range(0, len(order), step), [order[i] for i in range(0, len(order), step)])
    axes.set_title(layout["title"]["text"], fontsize=10)
    axes.set_xlabel(layout["xaxis"]["title"]["text"])
    axes.set_ylabel(layout["yaxis"]["title"]["text"])
    axes.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(os.path.join(images, "pauses.png"), metadata={"Software": None})


os.makedirs(images, exist_ok=True)
heap_map()
pause_chart()
print("wrote docs/images/heap-map.svg and docs/images/pauses.png")
