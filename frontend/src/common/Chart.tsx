/** Apache ECharts through echarts-for-react, with only the parts HalfSky draws (bars, lines, pies, target lines). */
import ReactEChartsCore from "echarts-for-react/lib/core";
import { BarChart, LineChart, PieChart } from "echarts/charts";
import {
  DatasetComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
} from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import type { EChartsOption } from "echarts";

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  TitleComponent,
  DatasetComponent,
  MarkLineComponent,
  CanvasRenderer,
]);

declare global {
  interface Window {
    __HALFSKY_NO_ANIMATION__?: boolean;
  }
}

export function Chart({ option, height = 320, label }: { option: EChartsOption; height?: number; label: string }) {
  const animation = !window.__HALFSKY_NO_ANIMATION__;
  return (
    <div role="img" aria-label={label}>
      <ReactEChartsCore echarts={echarts} option={{ animation, ...option }} style={{ height }} notMerge lazyUpdate />
    </div>
  );
}
