// Tank level: the twin of ../rust/src/lib.rs. A PID controller drives the inlet valve (%QW0,
// 0..1000 = 0..100.0 %) from the level (%IW0, same scale). Setpoint and gains are variables
// (setpoint, kp, ki, kd); the valve opening is published as tank.valve. The integral only
// accumulates while the valve is not saturated (anti-windup).
#include "plc.h"

PLC_PROCESS_IMAGE(2, 2);

static double integral = 0.0;
static double last_error = 0.0;
static bool started = false;
static plc_time_t last_time = 0;
// A new version of the program (online change) takes these over, by name and type.
PLC_STATE(integral, last_error, started, last_time)

static double pid_step(double error, plc_time_t now, double kp, double ki, double kd) {
    double dt = started ? (double)plc_elapsed(last_time, now) / 1e9 : 0.0;
    double derivative = dt > 0.0 ? (error - last_error) / dt : 0.0;
    double candidate = integral + error * dt;
    double output = kp * error + ki * candidate + kd * derivative;
    last_error = error;
    last_time = now;
    started = true;
    if (output > 100.0) {
        return 100.0;
    }
    if (output < 0.0) {
        return 0.0;
    }
    integral = candidate;
    return output;
}

PLC_PROGRAM_TRY(tank_level) {
    double level = (double)PLC_IN(uint16_t, 0) / 10.0;
    double error = plc_var_double_or("setpoint", 50.0) - level;
    double valve = pid_step(error, plc_now(), plc_var_double_or("kp", 2.0), plc_var_double_or("ki", 0.5),
                            plc_var_double_or("kd", 0.0));
    PLC_SET_OUT(uint16_t, 0, (uint16_t)(valve * 10.0 + 0.5));
    return plc_var_set_double("tank.valve", valve);
}
