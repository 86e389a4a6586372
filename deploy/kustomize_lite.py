"""Render a kustomization the way `kubectl kustomize` does, for the subset deploy/k8s uses, in pure Python.

No kustomize binary can be installed here (only PyPI), so `make deploy-check` renders the overlays with this and
validates what comes out. Supported: resources (files and folders), namespace, labels (pairs), images, and patches
with a target and JSON 6902 operations. Anything else is refused loudly, so a manifest never silently renders
differently here than in a cluster: extend this file (and its test) when deploy/k8s needs more.
"""

import copy
from pathlib import Path
from typing import Any

import yaml

Doc = dict[str, Any]

SUPPORTED = {"apiVersion", "kind", "resources", "namespace", "labels", "images", "patches"}
# Kinds without a namespace (those a HalfSky install could carry).
CLUSTER_SCOPED = {
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "IngressClass",
    "PersistentVolume",
    "PriorityClass",
    "StorageClass",
}


class KustomizeError(Exception):
    """The kustomization uses something this renderer does not do, or is wrong."""


def load_documents(path: Path) -> list[Doc]:
    """The YAML documents of a manifest file (empty ones dropped)."""
    with path.open(encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d]


def render(directory: Path) -> list[Doc]:
    """The resources a kustomization folder produces, transformed as kustomize would."""
    kfile = directory / "kustomization.yaml"
    if not kfile.exists():
        raise KustomizeError(f"{directory} has no kustomization.yaml")
    (spec,) = load_documents(kfile)
    unknown = set(spec) - SUPPORTED
    if unknown:
        raise KustomizeError(f"{kfile}: not supported by kustomize_lite: {', '.join(sorted(unknown))}")
    docs: list[Doc] = []
    for entry in spec.get("resources", []):
        target = (directory / entry).resolve()
        docs.extend(render(target) if target.is_dir() else load_documents(target))
    # Kustomize's order of transformers: patches, namespace, labels, images.
    for patch in spec.get("patches", []):
        apply_patch(docs, patch, directory)
    if "namespace" in spec:
        for doc in docs:
            if doc["kind"] not in CLUSTER_SCOPED:
                doc.setdefault("metadata", {})["namespace"] = spec["namespace"]
    for group in spec.get("labels", []):
        if set(group) - {"pairs"}:
            raise KustomizeError(f"{kfile}: labels support only 'pairs' (no selectors or templates)")
        for doc in docs:
            doc.setdefault("metadata", {}).setdefault("labels", {}).update(group["pairs"])
    for image in spec.get("images", []):
        set_image(docs, image)
    return docs


def pod_specs(doc: Doc) -> list[Doc]:
    """The pod specs inside a workload."""
    kind, spec = doc["kind"], doc.get("spec", {})
    if kind == "Pod":
        return [spec]
    if kind == "CronJob":
        return [spec["jobTemplate"]["spec"]["template"]["spec"]]
    if kind in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}:
        return [spec["template"]["spec"]]
    return []


def image_name(image: str) -> str:
    """The image without its tag or digest."""
    name = image.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    return name[:colon] if colon > slash else name


def set_image(docs: list[Doc], rule: Doc) -> None:
    """Apply one `images:` rule (name → newName, newTag, digest)."""
    if set(rule) - {"name", "newName", "newTag", "digest"}:
        raise KustomizeError(f"images: unknown fields in {rule}")
    for doc in docs:
        for pod in pod_specs(doc):
            for container in pod.get("containers", []) + pod.get("initContainers", []):
                if image_name(container["image"]) != rule["name"]:
                    continue
                old = container["image"]
                name = rule.get("newName", rule["name"])
                if "digest" in rule:
                    container["image"] = f"{name}@{rule['digest']}"
                elif "newTag" in rule:
                    container["image"] = f"{name}:{rule['newTag']}"
                else:
                    container["image"] = name + old[len(image_name(old)) :]


def apply_patch(docs: list[Doc], patch: Doc, directory: Path) -> None:
    """A JSON 6902 patch (inline or from a file) applied to the resources its target selects."""
    if set(patch) - {"target", "patch", "path"} or "target" not in patch:
        raise KustomizeError(f"patches: only target + patch/path (JSON 6902) are supported: {patch}")
    text = patch["patch"] if "patch" in patch else (directory / patch["path"]).read_text(encoding="utf-8")
    operations = yaml.safe_load(text)
    if not isinstance(operations, list):
        raise KustomizeError(f"patches: only JSON 6902 operation lists are supported: {patch}")
    target = patch["target"]
    if set(target) - {"kind", "name"}:
        raise KustomizeError(f"patches: targets select by kind and name only: {target}")
    hits = [
        d for d in docs if all(d.get(k) == v if k == "kind" else d["metadata"].get(k) == v for k, v in target.items())
    ]
    if not hits:
        raise KustomizeError(f"patches: no resource matches {target}")
    for doc in hits:
        for op in operations:
            json_patch(doc, op)


def _pointer(path: str) -> list[str]:
    if not path.startswith("/"):
        raise KustomizeError(f"not a JSON pointer: {path}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _step(node: Any, key: str) -> Any:
    try:
        return node[int(key)] if isinstance(node, list) else node[key]
    except (KeyError, IndexError, ValueError):
        raise KustomizeError(f"path element {key!r} not found") from None


def json_patch(doc: Doc, op: Doc) -> None:
    """One RFC 6902 operation: add, replace, remove (test, move and copy are not used here)."""
    kind = op.get("op")
    parts = _pointer(op["path"])
    parent = doc
    for key in parts[:-1]:
        parent = _step(parent, key)
    last = parts[-1]
    if kind == "remove":
        _step(parent, last)
        del parent[int(last) if isinstance(parent, list) else last]
    elif kind == "replace":
        _step(parent, last)
        parent[int(last) if isinstance(parent, list) else last] = copy.deepcopy(op["value"])
    elif kind == "add":
        value = copy.deepcopy(op["value"])
        if isinstance(parent, list):
            parent.insert(len(parent) if last == "-" else int(last), value)
        else:
            parent[last] = value
    else:
        raise KustomizeError(f"JSON patch operation {kind!r} is not supported")
