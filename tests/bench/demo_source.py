#!/usr/bin/env python3
"""Query times of the demo source holder (bronpoort-demo-source) itself, without the gateway.

    tests/bench/demo_source.py [BINARY [OTHER_BINARY]]    (default build/bronpoort-demo-source)

With two binaries, both are measured in turn on the same queries (e.g. before and after a change).
Each case runs once to warm up (indexes are built on first use) and then 15 times; the median is
reported.
"""
import json, os, socket, subprocess, sys, time, urllib.request
def run(binary):
    s=socket.socket(); s.bind(("127.0.0.1",0)); port=s.getsockname()[1]; s.close()
    p=subprocess.Popen([binary,"--port",str(port)],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)
    for _ in range(300):
        try: urllib.request.urlopen(f"http://127.0.0.1:{port}/_health"); break
        except Exception: time.sleep(0.1)
    def q(prefix, body):
        req=urllib.request.Request(f"http://127.0.0.1:{port}{prefix}query", data=json.dumps(body).encode(), method="POST", headers={"Content-Type":"application/json"})
        t=time.perf_counter(); r=json.load(urllib.request.urlopen(req)); return (time.perf_counter()-t)*1000, r
    # find a plant id
    _, r = q("/rwzi/measurements/", {"filters":[],"sort":[],"offset":0,"limit":1,"fields":[]})
    plant = r["items"][0]["plantId"]
    cases = {
      "measurements of one plant, sorted by date desc, 2 per page": ("/rwzi/measurements/", {"filters":[{"field":"plantId","op":"eq","values":[plant]}],"sort":[{"field":"date","descending":True}],"offset":0,"limit":3,"fields":[]}),
      "persons in one municipality sorted by familyName, page 2 of 25": ("/brp/persons/", {"filters":[{"field":"municipality","op":"eq","values":["Utrecht"]}],"sort":[{"field":"familyName","descending":False}],"offset":25,"limit":26,"fields":[],"includeTotal":True}),
      "all persons sorted by birthDate, first 25": ("/brp/persons/", {"filters":[],"sort":[{"field":"birthDate","descending":False}],"offset":0,"limit":26,"fields":[]}),
    }
    out={}
    for name,(prefix,body) in cases.items():
        q(prefix, body)  # warm (the index is built on first use)
        times=sorted(q(prefix, body)[0] for _ in range(15))
        out[name]=times[len(times)//2]
    p.terminate(); p.wait()
    return out
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
binaries = sys.argv[1:] or [os.path.join(ROOT, "build", "bronpoort-demo-source")]
results = [run(b) for b in binaries]
for k in results[0]:
    print(f"{k}: " + " -> ".join(f"{r[k]:.1f} ms" for r in results) + " (median of 15)")
