"""Checks shared by the featurizers."""


def check_waveform_batch(X, min_samples, estimator_name):
    """Raise a ValueError when clips are shorter than one analysis frame."""
    if X.shape[1] < min_samples:
        raise ValueError(
            f"{estimator_name} needs clips of at least {min_samples} samples (one "
            f"STFT frame, n_fft={min_samples}); X has {X.shape[1]} samples per "
            f"clip (n_features = {X.shape[1]}). Make clips longer with AudioLoader(duration=...) or lower n_fft."
        )
