"""Writes a notebook's cells as a .NET Interactive .dib file (no outputs; .dib keeps none).
Used by refresh-notebooks.sh to keep a tutorial's .dib twin in step with its .ipynb."""
import json
import sys

source, target = sys.argv[1], sys.argv[2]
with open(source, encoding="utf-8") as file:
    notebook = json.load(file)
parts = ['#!meta\n\n{"kernelInfo":{"defaultKernelName":"csharp","items":[{"name":"csharp","languageName":"C#"}]}}\n']
for cell in notebook["cells"]:
    text = "".join(cell["source"]).strip("\n")
    kernel = "markdown" if cell["cell_type"] == "markdown" else "csharp"
    parts.append(f"#!{kernel}\n\n{text}\n")
with open(target, "w", encoding="utf-8", newline="\n") as file:
    file.write("\n".join(parts))
