"""Pretrained speech encoders on the CPU: Hugging Face transformers against keras-hub.

Measures, for whichever of the two libraries is installed in the running
environment, what the choice of SpeechEncoder's library rests on: the
import time, and the CPU time to embed speech with an encoder of the size
used in anti-spoofing (wav2vec 2.0 base, 95 M parameters, through
transformers; Whisper base's encoder, through keras-hub). Weights are
random (the shapes of the published configurations, built offline): speed
does not depend on their values. Install sizes and whether the pins resolve
with skdeepfake's are measured with pip, not here (the numbers are in the
user guide's "Pretrained speech encoders").

Not run by ``run_all.py``: it needs one of the optional stacks. Run, e.g.::

    python benchmarks/compare_encoder_libraries.py --library transformers
    python benchmarks/compare_encoder_libraries.py --library keras-hub
"""

import argparse
import subprocess
import sys
import time

import numpy as np

SR = 16000


def import_seconds(module):
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(3)
    ]
    return min(runs)


def embed_transformers(audio):
    import torch
    from transformers import Wav2Vec2Config, Wav2Vec2Model

    torch.manual_seed(0)
    model = Wav2Vec2Model(Wav2Vec2Config()).eval()  # the wav2vec2-base shape
    n_params = sum(p.numel() for p in model.parameters())
    x = torch.from_numpy(audio)
    with torch.inference_mode():
        model(x[:1])  # warm-up
        start = time.perf_counter()
        model(x, output_hidden_states=True)
    return n_params, time.perf_counter() - start


def embed_keras_hub(audio):
    import keras
    import keras_hub

    # Whisper base: 6 layers of width 512; the encoder takes 30 s of 80 log-mels.
    backbone = keras_hub.models.WhisperBackbone(
        vocabulary_size=51865,
        num_layers=6,
        num_heads=8,
        hidden_dim=512,
        intermediate_dim=2048,
        num_mels=80,
        max_encoder_sequence_length=3000,
        max_decoder_sequence_length=448,
    )
    encoder = keras.Model(backbone.input["encoder_features"], backbone.get_layer("encoder_layer_norm").output)
    n_params = encoder.count_params()
    features = np.random.default_rng(0).normal(size=(len(audio), 3000, 80)).astype(np.float32)
    encoder.predict(features[:1], verbose=0)
    start = time.perf_counter()
    encoder.predict(features, verbose=0)
    return n_params, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--library", choices=["transformers", "keras-hub"], required=True)
    parser.add_argument("--clips", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()
    audio = np.random.default_rng(0).normal(size=(args.clips, int(args.seconds * SR))).astype(np.float32)
    if args.library == "transformers":
        imported = import_seconds("transformers.models.wav2vec2")
        n_params, seconds = embed_transformers(audio)
    else:
        imported = import_seconds("keras_hub")
        n_params, seconds = embed_keras_hub(audio)
    print(
        f"{args.library}: import {imported:.2f} s; encoder {n_params / 1e6:.1f} M parameters; "
        f"{args.clips} clips of {args.seconds:g} s embedded in {seconds:.2f} s "
        f"({seconds / (args.clips * args.seconds):.3f} s per second of audio)"
    )


if __name__ == "__main__":
    main()
