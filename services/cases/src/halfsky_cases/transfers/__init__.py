"""Moving a case between org units: 转办 (across), 交办 (down), 上报 (up), each accepted by the receiver."""
