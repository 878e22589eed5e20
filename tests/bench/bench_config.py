"""The shipped config/gateway.json, relocated for a benchmark run: every relative path made
absolute (against config/), the one listener on 127.0.0.1:`port`, the SQLite store at
`store_path`, and the source registrations read from `sources_dir` (default: the shipped ones).
Used by sources_detail.sh and idle_connections.py."""
import json
import os


def relocated_config(root, port, store_path, sources_dir=None):
    conf = os.path.join(root, "config")
    absolute = lambda p: os.path.normpath(os.path.join(conf, p))
    cfg = json.load(open(os.path.join(conf, "gateway.json")))
    cfg["server"]["listeners"] = [{"address": "127.0.0.1", "port": port}]
    for issuer in cfg["identity"]["issuers"]:
        issuer["jwks"] = absolute(issuer["jwks"])
    cfg["identity"]["demoIssuer"]["privateKey"] = absolute(cfg["identity"]["demoIssuer"]["privateKey"])
    cfg["sources"]["directory"] = sources_dir or absolute(cfg["sources"]["directory"])
    cfg["sources"]["schemaDirectory"] = absolute(cfg["sources"]["schemaDirectory"])
    cfg["access"]["purposes"] = absolute(cfg["access"]["purposes"])
    cfg["store"]["path"] = store_path
    for k in ("pseudonymKeyFile", "checkpointKeyFile", "checkpointPublicKeyFile"):
        cfg["processingLog"][k] = absolute(cfg["processingLog"][k])
    if "linkage" in cfg:
        for k in ("directory", "pseudonymKeyFile"):
            cfg["linkage"][k] = absolute(cfg["linkage"][k])
    if "portal" in cfg:
        cfg["portal"]["directory"] = absolute(cfg["portal"]["directory"])
    return cfg


def merge(into, more):
    """Merges the JSON object `more` into `into`, object members recursively."""
    for k, v in more.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            merge(into[k], v)
        else:
            into[k] = v
