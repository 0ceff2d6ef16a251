"""ZKTeco machines: the pyzk pull client, sync, the ADMS push receiver and a device simulator."""
