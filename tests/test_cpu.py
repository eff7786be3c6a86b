from pipeline.cpu import cpu_info, native_bf16


def test_cpu_info_names_the_machine():
    info = cpu_info()
    assert info["model"] and info["cores"] >= 1 and info["native_bf16"] is native_bf16()
