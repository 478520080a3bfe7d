print("trained as root")
