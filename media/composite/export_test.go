package composite

// WithPreset is p encoding with another x264 preset, for the benchmarks that compare them.
func WithPreset(p Params, preset string) Params {
	p.preset = preset
	return p
}

// Preset is the x264 preset a replay is made with.
const Preset = x264Preset
