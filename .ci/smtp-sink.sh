# Sourced by the mail checks: installs msmtp and aiosmtpd when missing (aiosmtpd into
# .build/mail-check, never system-wide), then `start_smtp_sink DIR` starts .ci/smtp-server.py on
# 127.0.0.1 (a free port), stores what it receives in DIR/received, exports VIGIE_SENDMAIL (msmtp
# to that port) and SMTP_PORT, and stops the server when the calling script exits.
missing=""
command -v msmtp >/dev/null || missing="$missing msmtp"
python3 -c "import yaml" 2>/dev/null || missing="$missing python3-yaml"
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else echo "Paquets manquants :$missing — lancez : sudo apt-get install$missing" >&2; exit 1; fi
fi
PYDEPS=.build/mail-check/python
if ! PYTHONPATH=$PYDEPS python3 -c "import aiosmtpd" 2>/dev/null; then
  echo "Installation d'aiosmtpd dans $PYDEPS"
  python3 -m pip install --quiet --disable-pip-version-check --target "$PYDEPS" aiosmtpd
fi

SINK_PID=""
stop_smtp_sink() { if [ -n "$SINK_PID" ]; then kill "$SINK_PID" 2>/dev/null; wait "$SINK_PID" 2>/dev/null || true; SINK_PID=""; fi; }

# start_smtp_sink DIR [FROM]: FROM is the envelope sender (default: recipients.yaml's from).
start_smtp_sink() {
  local dir=$1 from=${2:-}
  PYTHONPATH=$PYDEPS python3 .ci/smtp-server.py "$dir/received" "$dir/port" & SINK_PID=$!
  for _ in $(seq 100); do [ -s "$dir/port" ] && break; sleep 0.1; done
  [ -s "$dir/port" ] || { echo "Le serveur SMTP de contrôle n'a pas démarré." >&2; exit 1; }
  SMTP_PORT=$(cat "$dir/port")
  [ -n "$from" ] || from=$(python3 -c "import yaml; print(yaml.safe_load(open('Config/recipients.yaml'))['from']['email'])")
  export SMTP_PORT
  export VIGIE_SENDMAIL="msmtp --host=127.0.0.1 --port=$SMTP_PORT --auth=off --tls=off --from=$from -t"
  echo "Serveur SMTP de contrôle sur 127.0.0.1:$SMTP_PORT ; envoi par : $VIGIE_SENDMAIL"
}
