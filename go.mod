module github.com/hark-assistant/hark

go 1.26

require (
	github.com/alphacep/vosk-api/go v0.3.45
	github.com/coreos/go-systemd/v22 v22.7.0
	github.com/gen2brain/malgo v0.11.24
	github.com/jonboulle/clockwork v0.5.0
	gopkg.in/yaml.v3 v3.0.1
	periph.io/x/conn/v3 v3.7.3
	periph.io/x/devices/v3 v3.7.4
	periph.io/x/host/v3 v3.8.5
)

require golang.org/x/sys v0.29.0 // indirect
