# Sourced by scripts that start `bronpoort serve` on port 0 and need the port it bound.
# gateway_port LOG PID: waits (10 s at most) for the "listening" line the gateway writes to LOG
# and prints its port. Returns 1 when process PID has exited first, 2 when no port appeared.
gateway_port() {
  local log=$1 pid=$2 port
  for _ in $(seq 1 100); do
    port=$(sed -n 's/.*"event":"listening".*"port":\([0-9]*\).*/\1/p;s/.*"port":\([0-9]*\).*"event":"listening".*/\1/p' "$log" | head -1)
    if [ -n "$port" ]; then
      echo "$port"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 2
}
