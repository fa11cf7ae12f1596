package testmodel

import "math"

// Feature settings shared by conf/mfcc.conf and the affine weights; the
// weights are only right for exactly these values.
const (
	numMelBins    = 20
	numCeps       = numMelBins // square, orthonormal DCT: the weights can invert it
	lowFreq       = 20.0
	highFreq      = 7600.0
	cepstralLift  = 22.0 // Kaldi's default --cepstral-lifter
	silenceBias   = 15.0 // log-mel floor of digital silence is about -15.9
	wordEntryCost = 2.0  // stops one long tone decoding as "one one one"
)

// unknownBias is the bias of the garbage pdf of "[unk]" (Options.Unknown),
// added to the mean log-mel energy of the word bins. Measured with libvosk
// 0.3.39 over grammar ["zero", "one two"]: from 6 to 14 the tones of
// "off" and "on off" decode as "[unk]" and those of "zero" and "one two"
// as themselves; below 6 "off" decodes as nothing, above 14 "zero" as
// "[unk]". 10 is the middle.
const unknownBias = 10.0

// Kaldi's mel scale.
func mel(f float64) float64    { return 1127 * math.Log(1+f/700) }
func melInv(m float64) float64 { return 700 * (math.Exp(m/1127) - 1) }

// melBinCentre is the centre frequency of mel bin b (0-based) of Kaldi's
// triangular filterbank for the settings above.
func melBinCentre(b int) float64 {
	lo, hi := mel(lowFreq), mel(highFreq)
	delta := (hi - lo) / (numMelBins + 1)
	return melInv(lo + float64(b+1)*delta)
}

// dct is Kaldi's orthonormal DCT-II matrix entry D[i][n].
func dct(i, n int) float64 {
	if i == 0 {
		return math.Sqrt(1.0 / numMelBins)
	}
	return math.Sqrt(2.0/numMelBins) * math.Cos(math.Pi/numMelBins*(float64(n)+0.5)*float64(i))
}

func lifter(i int) float64 { return 1 + cepstralLift/2*math.Sin(math.Pi*float64(i)/cepstralLift) }

// affineWeights returns the (pdfs × numCeps) matrix whose row k+1 recovers
// the log-mel energy of word k's bin from the liftered MFCCs
// (MFCC = lifter ⊙ (D · logmel), D orthonormal, so logmel[b] = Σ_i D[i][b]·MFCC[i]/lifter[i]).
// Row 0, the silence pdf, is zero: its bias alone sets its score. With
// unknown a last row, the garbage pdf of "[unk]", is the mean of the word
// rows: the mean log-mel energy of the word bins, which a word's own row
// beats on its tone and, with unknownBias, the row of another word and
// the silence pdf do not.
func affineWeights(unknown bool) [][]float64 {
	rows := make([][]float64, len(words)+1)
	rows[0] = make([]float64, numCeps)
	for k, b := range wordBins {
		row := make([]float64, numCeps)
		for i := range row {
			row[i] = dct(i, b) / lifter(i)
		}
		rows[k+1] = row
	}
	if unknown {
		mean := make([]float64, numCeps)
		for _, row := range rows[1:] {
			for i, v := range row {
				mean[i] += v / float64(len(words))
			}
		}
		rows = append(rows, mean)
	}
	return rows
}
